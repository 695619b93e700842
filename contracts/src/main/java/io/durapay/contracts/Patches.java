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

  private Patches() {}
}
