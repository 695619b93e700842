package io.durapay.store;

import java.time.Instant;

/**
 * An event waiting in the outbox (or already published, when {@code publishedAt} is set; or
 * parked for an operator after the destination kept refusing it, when {@code parkedAt} is set).
 * {@code attempts} counts every try, outages included; {@code refusals} only the tries the
 * destination refused the event itself, which alone count toward parking.
 */
public record OutboxEvent(
    long id,
    String eventId,
    String eventType,
    String aggregateId,
    String correlationId,
    String payload,
    Instant createdAt,
    Instant publishedAt,
    int attempts,
    String lastError,
    Instant parkedAt,
    int refusals) {}
