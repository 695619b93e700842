package io.durapay.store;

import java.time.Instant;

/** One recorded attempt to deliver a webhook. */
public record WebhookDelivery(
    long id,
    String eventId,
    String paymentId,
    String merchantId,
    String eventType,
    int attempt,
    String url,
    Integer statusCode,
    String outcome,
    String error,
    Instant attemptedAt) {}
