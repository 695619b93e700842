package io.durapay.devstack.gateway;

/**
 * A new charge the simulated gateway made: money moved once. Replays of the same idempotency key
 * add none.
 *
 * @param paymentId the durapay payment id, from {@code metadata[payment_id]}
 * @param intentId the PaymentIntent's id
 * @param amount the amount charged, in minor units
 * @param currency the lower-case ISO 4217 code
 * @param idempotencyKey the request's {@code Idempotency-Key}, or null when it had none
 */
public record SimulatedCharge(
    String paymentId, String intentId, long amount, String currency, String idempotencyKey) {}
