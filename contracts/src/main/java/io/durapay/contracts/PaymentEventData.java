package io.durapay.contracts;

/**
 * The payment as an event describes it: ids, amount and outcome. Never a secret and never card
 * data: the payment method is the gateway's token.
 */
public record PaymentEventData(
    String paymentId,
    String merchantId,
    long amount,
    String currency,
    PaymentStatus status,
    String failureCode,
    String failureMessage,
    String gatewayReference) {}
