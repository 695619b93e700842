package io.durapay.store;

import java.time.Instant;

/**
 * One webhook event of a merchant's, as its delivery attempts tell it: created with its first
 * attempt; {@code pending} while more tries are to come (the workflow's own, or a re-delivery on
 * its way).
 */
public record MerchantEvent(
    String eventId,
    String paymentId,
    String eventType,
    Instant createdAt,
    int attempts,
    Instant lastAttemptAt,
    String lastOutcome,
    Integer lastStatusCode,
    boolean delivered,
    boolean pending) {}
