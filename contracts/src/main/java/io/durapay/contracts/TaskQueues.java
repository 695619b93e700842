package io.durapay.contracts;

/**
 * Task queues, one per worker build, so builds run side by side: blue (v1) and green (v2).
 * Starters send new payments to the queue configured as the current route.
 */
public final class TaskQueues {
  public static final String PAYMENTS_V1 = "payment-processing-v1";
  public static final String PAYMENTS_V2 = "payment-processing-v2";

  private TaskQueues() {}
}
