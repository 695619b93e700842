package io.durapay.contracts;

/**
 * The outcome of a status change.
 *
 * @param applied true when this call moved the payment
 * @param status the payment's status after the call
 */
public record TransitionResult(boolean applied, PaymentStatus status) {}
