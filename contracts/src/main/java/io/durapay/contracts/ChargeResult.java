package io.durapay.contracts;

/**
 * A confirmed charge: the gateway's reference for it (its PaymentIntent id), and the attempt of
 * the activity that got it, so the workflow can show how many tries the charge took.
 */
public record ChargeResult(String gatewayReference, long amount, String currency, int attempts) {}
