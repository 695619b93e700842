package io.durapay.contracts;

/** Change ids passed to {@code Workflow.getVersion}. Never rename one that has shipped. */
public final class Patches {
  /** v2: screen the payment for risk before it is charged. */
  public static final String ADD_RISK_SCREENING = "add-risk-screening";

  private Patches() {}
}
