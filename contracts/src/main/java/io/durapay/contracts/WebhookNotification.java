package io.durapay.contracts;

/**
 * A webhook to deliver. {@code eventId} is chosen once by the workflow, so every retry of the
 * delivery carries the same {@code webhook-id} and the merchant can deduplicate.
 */
public record WebhookNotification(String paymentId, String eventId, EventType type, String correlationId) {}
