package io.durapay.contracts;

import io.temporal.activity.ActivityInterface;

/**
 * The side effects of a payment. Every method is safe to retry: each implementation documents
 * what makes it idempotent.
 */
@ActivityInterface
public interface PaymentActivities {

  /**
   * Checks business rules: the payment exists, is {@code initiated}, and its amount and currency
   * are acceptable for the merchant. Fails with a non-retryable {@code PaymentInvalid} otherwise.
   */
  void validatePayment(PaymentRequest request);

  /**
   * Screens the payment against the risk rules before it is charged (v2, behind the {@link
   * Patches#ADD_RISK_SCREENING} patch). Read-only.
   */
  RiskDecision screenPayment(PaymentRequest request);

  /** Moves the payment forward; a repeated or illegal change is reported, never applied. */
  TransitionResult updatePaymentStatus(StatusChange change);

  /**
   * Charges the payment at the gateway under the idempotency key of the payment id. A decline is
   * a non-retryable {@code PaymentDeclined} carrying the decline code.
   */
  ChargeResult processPaymentWithGateway(PaymentRequest request);

  /** Refunds a charge made for the payment, if there is one. */
  RefundResult compensatePayment(PaymentRequest request);

  /** Sends the merchant a signed webhook for the event. Never fails the payment. */
  WebhookResult sendWebhookNotification(WebhookNotification notification);
}
