package io.durapay.contracts;

import io.temporal.activity.ActivityInterface;

/**
 * The payment gateway: the charge and its compensation. Both are safe to retry: the gateway's
 * idempotency keys and the intent id on the payment's row make a repeat find what the first did.
 */
@ActivityInterface
public interface GatewayActivities {

  /**
   * Charges the payment at the gateway under the idempotency key of the payment id. A decline is
   * a non-retryable {@code PaymentDeclined} carrying the decline code.
   */
  ChargeResult processPaymentWithGateway(PaymentRequest request);

  /** Refunds a charge made for the payment, if there is one. */
  RefundResult compensatePayment(PaymentRequest request);
}
