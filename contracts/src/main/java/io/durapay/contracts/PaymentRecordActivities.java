package io.durapay.contracts;

import io.temporal.activity.ActivityInterface;

/**
 * The payment's own record in durapay's database. Both methods are safe to retry: the
 * implementation documents what makes each idempotent.
 */
@ActivityInterface
public interface PaymentRecordActivities {

  /**
   * Checks business rules: the payment exists, is {@code initiated}, and its amount and currency
   * are acceptable for the merchant. Fails with a non-retryable {@code PaymentInvalid} otherwise.
   */
  void validatePayment(PaymentRequest request);

  /** Moves the payment forward; a repeated or illegal change is reported, never applied. */
  TransitionResult updatePaymentStatus(StatusChange change);
}
