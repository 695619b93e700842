package io.durapay.contracts;

/**
 * What {@link PaymentWorkflow} returns: the final status, how it got there, and depending on it
 * the gateway's reference or the reason for failure.
 *
 * @param outcome how it ended, in a word: {@code completed}, {@code declined}, {@code failed},
 *     {@code failed_refunded}, {@code cancelled}, {@code cancelled_refunded}
 */
public record PaymentResult(
    String paymentId,
    PaymentStatus status,
    String gatewayReference,
    String failureCode,
    String failureMessage,
    String outcome) {}
