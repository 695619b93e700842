package io.durapay.store;

import java.time.Instant;

/** The stored outcome of a request made with an {@code Idempotency-Key}. */
public record IdempotencyRecord(
    String merchantId,
    String idempotencyKey,
    String requestHash,
    int responseStatus,
    String responseBody,
    String paymentId,
    Instant createdAt,
    Instant expiresAt) {}
