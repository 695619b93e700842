package io.durapay.contracts;

/** Change ids passed to {@code Workflow.getVersion}. Never rename one that has shipped. */
public final class Patches {
  /** v2: screen the payment for risk before it is charged. */
  public static final String ADD_RISK_SCREENING = "add-risk-screening";

  /**
   * v2: when a charge's outcome is unknown (the gateway never answered), wait before looking the
   * charge up for a refund, because the gateway's search may not show a charge made moments ago.
   */
  public static final String SETTLE_BEFORE_REFUND_LOOKUP = "settle-before-refund-lookup";

  /**
   * v2: a charge whose attempts the gateway all refused for our API key (401/403: a bad or
   * rotated key) waits, durably, for the key to be fixed and is tried again, instead of failing a
   * payment that was never the customer's fault.
   */
  public static final String WAIT_FOR_GATEWAY_KEY = "wait-for-gateway-key";

  private Patches() {}
}
