package io.durapay.worker.activities;

import io.durapay.contracts.FailureTypes;
import io.temporal.activity.Activity;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;

/** The failures the activities share, and the cap on a retry delay the far side asks for. */
public final class ActivityFailures {
  private ActivityFailures() {}

  /** A payment the activity was asked about is not in the database: nothing to do, ever. */
  public static ApplicationFailure paymentNotFound(String paymentId) {
    return invalid("payment_not_found", "no payment " + paymentId);
  }

  /** A non-retryable {@code PaymentInvalid} carrying {@code code} as its detail. */
  public static ApplicationFailure invalid(String code, String message) {
    return ApplicationFailure.newNonRetryableFailure(message, FailureTypes.PAYMENT_INVALID, code);
  }

  /**
   * A {@code Retry-After} the other side asked for, capped at the retry policy's longest interval:
   * a server that answers "in 30 years" must not park a payment past everything its workflow
   * planned. Outside an activity (a direct call) there is no policy, and nothing to cap by.
   */
  public static Duration withinRetryPolicy(Duration asked) {
    if (asked == null) {
      return null;
    }
    RetryOptions retry;
    try {
      retry = Activity.getExecutionContext().getInfo().getRetryOptions();
    } catch (IllegalStateException notInAnActivity) {
      return asked;
    }
    Duration longest = retry == null ? null : retry.getMaximumInterval();
    return longest != null && asked.compareTo(longest) > 0 ? longest : asked;
  }
}
