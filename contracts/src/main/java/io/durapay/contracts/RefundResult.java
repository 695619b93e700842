package io.durapay.contracts;

/** The outcome of a compensating refund. */
public record RefundResult(String refundReference, boolean refunded) {}
