package io.durapay.contracts;

/**
 * What {@link PaymentWorkflow} returns: the final status and, depending on it, the gateway's
 * reference or the reason for failure.
 */
public record PaymentResult(
    String paymentId,
    PaymentStatus status,
    String gatewayReference,
    String failureCode,
    String failureMessage) {}
