package io.durapay.contracts;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.time.Instant;
import java.util.Objects;

/**
 * The one envelope every durapay event travels in, on SNS, SQS and merchant webhooks alike.
 *
 * @param id unique per event; consumers deduplicate on it (it is the webhook's {@code webhook-id})
 * @param type what happened
 * @param occurredAt when it happened
 * @param correlationId the id of the request that started the chain of work
 * @param data the payment as it was when the event occurred
 */
public record EventEnvelope(
    String id,
    EventType type,
    @JsonFormat(shape = JsonFormat.Shape.STRING) Instant occurredAt,
    String correlationId,
    PaymentEventData data) {

  public EventEnvelope {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(data, "data");
  }
}
