package io.durapay.worker.workflow;

import io.durapay.contracts.FailureTypes;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;
import java.util.Map;

/**
 * The timeouts and retry policy of every activity, for both workflow builds. They are part of what
 * a build sends the server with each activity it schedules, and the committed histories record
 * them: {@code ActivityOptionsReplayTest} holds v1's (the deployed build's) against its histories,
 * so none of them can change here without the test naming the activity and the field. v2's charge
 * and webhook gained their schedule-to-close after some of its histories were recorded.
 */
public final class PaymentActivityOptions {
  private PaymentActivityOptions() {}

  /**
   * The payment's record and its risk screening: quick, and retried until the database answers.
   * Giving up would strand a charged payment in processing, or refund a good charge because our
   * own database blinked.
   */
  public static final ActivityOptions RECORD =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(10))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setBackoffCoefficient(2)
                  .setMaximumInterval(Duration.ofSeconds(30))
                  .setMaximumAttempts(0)
                  .setDoNotRetry(FailureTypes.PAYMENT_INVALID, FailureTypes.PAYMENT_NOT_INITIATED)
                  .build())
          .build();

  /**
   * The charge: at most 3 attempts, as the original design asks; a decline is final. The
   * schedule-to-close bounds the three together (3 × 30 s and the backoff between them), whatever
   * a gateway's Retry-After asks (the activities cap it at the longest interval too).
   */
  public static final ActivityOptions CHARGE = charge().setScheduleToCloseTimeout(Duration.ofMinutes(3)).build();

  /** v1's charge, as it was deployed: without the schedule-to-close v2 added. */
  public static final ActivityOptions V1_CHARGE = charge().build();

  /** Refunds must eventually happen: many attempts over a long time before a human is needed. */
  public static final ActivityOptions REFUND =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setScheduleToCloseTimeout(Duration.ofDays(3))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setBackoffCoefficient(2)
                  .setMaximumInterval(Duration.ofMinutes(10))
                  .setMaximumAttempts(0)
                  .setDoNotRetry(FailureTypes.GATEWAY_REJECTED)
                  .build())
          .build();

  /**
   * The gateway stub's options by method: its default is the charge's ({@link #CHARGE} or
   * {@link #V1_CHARGE}); the refund has its own.
   */
  public static final Map<String, ActivityOptions> GATEWAY_METHODS = Map.of("CompensatePayment", REFUND);

  /**
   * Webhooks: retried with backoff; the activity records the last attempt as undeliverable. The
   * schedule-to-close (8 × 15 s and the backoff, with room) bounds them whatever the merchant's
   * endpoint asks for in Retry-After.
   */
  public static final ActivityOptions WEBHOOK = webhook().setScheduleToCloseTimeout(Duration.ofMinutes(10)).build();

  /** v1's webhooks, as they were deployed: without the schedule-to-close v2 added. */
  public static final ActivityOptions V1_WEBHOOK = webhook().build();

  private static ActivityOptions.Builder charge() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setInitialInterval(Duration.ofSeconds(1))
                .setBackoffCoefficient(2)
                .setMaximumInterval(Duration.ofSeconds(30))
                .setMaximumAttempts(3)
                .setDoNotRetry(FailureTypes.PAYMENT_DECLINED, FailureTypes.GATEWAY_REJECTED)
                .build());
  }

  private static ActivityOptions.Builder webhook() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(15))
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setInitialInterval(Duration.ofSeconds(1))
                .setBackoffCoefficient(2)
                .setMaximumInterval(Duration.ofMinutes(1))
                .setMaximumAttempts(8)
                .build());
  }
}
