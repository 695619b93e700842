package io.durapay.devstack.webhooks;

import java.time.Instant;

/**
 * One webhook request the receiver got, whatever it answered.
 *
 * @param path the endpoint's path, for example {@code /hooks/demo}
 * @param webhookId the {@code webhook-id} header, or null when absent
 * @param eventType the body's {@code type}, or null when the body is not an event
 * @param paymentId the body's {@code data.paymentId}, or null when the body is not an event
 * @param verified whether the signature was valid and recent, so the merchant accepted it
 * @param duplicate whether this endpoint had already received this {@code webhook-id}
 * @param status the HTTP status the receiver answered: 204, 400, or 503 for a down endpoint
 * @param problem why it was not accepted, or null when it was
 * @param receivedAt when it arrived
 */
public record WebhookDelivery(
    String path,
    String webhookId,
    String eventType,
    String paymentId,
    boolean verified,
    boolean duplicate,
    int status,
    String problem,
    Instant receivedAt,
    String correlationId) {}
