package io.durapay.contracts;

/** Workflow ids are derived from payment ids, so a second start for one payment is refused. */
public final class WorkflowIds {
  public static final String PREFIX = "payment-";

  private WorkflowIds() {}

  public static String forPayment(String paymentId) {
    return PREFIX + paymentId;
  }
}
