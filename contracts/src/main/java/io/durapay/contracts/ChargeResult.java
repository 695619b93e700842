package io.durapay.contracts;

/** A confirmed charge: the gateway's reference for it (its PaymentIntent id). */
public record ChargeResult(String gatewayReference, long amount, String currency) {}
