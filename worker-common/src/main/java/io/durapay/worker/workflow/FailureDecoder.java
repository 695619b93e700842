package io.durapay.worker.workflow;

import io.durapay.contracts.FailureTypes;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;

/**
 * Reads an activity's failure the way both workflow builds do. Pure functions of the failure, so
 * safe in workflow code; what they return is recorded (in the payment's row and the workflow's
 * result), so a change here is a change of both builds.
 */
public final class FailureDecoder {
  private FailureDecoder() {}

  /** Whether the activity failed with an application failure of {@code type}. */
  public static boolean hasType(ActivityFailure failure, String type) {
    return failure.getCause() instanceof ApplicationFailure app && type.equals(app.getType());
  }

  /** Whether the gateway declined the charge (nothing charged, nothing to refund). */
  public static boolean isDecline(ActivityFailure failure) {
    return hasType(failure, FailureTypes.PAYMENT_DECLINED);
  }

  /**
   * The failure code recorded on the payment: the detail the activity gave, else its type's code;
   * {@code timeout} for an activity out of time, {@code processing_error} for anything else.
   */
  public static String code(ActivityFailure failure) {
    if (failure.getCause() instanceof ApplicationFailure app) {
      if (app.getDetails().getSize() > 0) {
        return app.getDetails().get(0, String.class);
      }
      return FailureTypes.codeFor(app.getType());
    }
    if (failure.getCause() instanceof TimeoutFailure) {
      return "timeout";
    }
    return "processing_error";
  }

  /** What the activity said, without the SDK's wrapping. */
  public static String message(ActivityFailure failure) {
    Throwable cause = failure.getCause();
    if (cause instanceof ApplicationFailure app) {
      return app.getOriginalMessage();
    }
    return cause == null ? failure.getMessage() : cause.getMessage();
  }
}
