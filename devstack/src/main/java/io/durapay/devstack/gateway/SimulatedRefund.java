package io.durapay.devstack.gateway;

/**
 * A refund the simulated gateway made; always of the whole intent.
 *
 * @param refundId the refund's id
 * @param intentId the refunded PaymentIntent
 * @param paymentId the durapay payment id of that intent
 * @param amount the amount refunded, in minor units
 * @param currency the lower-case ISO 4217 code
 * @param idempotencyKey the request's {@code Idempotency-Key}, or null when it had none
 */
public record SimulatedRefund(
    String refundId,
    String intentId,
    String paymentId,
    long amount,
    String currency,
    String idempotencyKey) {}
