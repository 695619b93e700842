package io.durapay.store;

import java.time.Instant;

/**
 * An operator's request to send a payment event's webhook again (see {@link WebhookRedeliveryDao}).
 * {@code tries} counts the attempts taken so far; {@code outcome} is set when it is finished.
 */
public record WebhookRedelivery(
    long id,
    String eventId,
    String paymentId,
    String eventType,
    String requestedBy,
    Instant requestedAt,
    int tries,
    Instant nextAttemptAt,
    Instant finishedAt,
    String outcome) {}
