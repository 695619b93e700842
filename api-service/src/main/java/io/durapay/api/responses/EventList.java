package io.durapay.api.responses;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.durapay.store.MerchantEvent;
import java.time.Instant;
import java.util.List;

/** One page of a merchant's webhook events, newest first. Every field is always present. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record EventList(List<Event> data, boolean hasMore) {

  /**
   * One event: {@code id} is the {@code webhook-id} its deliveries carry. {@code delivery.status}:
   * {@code delivered}; {@code pending} while more tries are to come; {@code not_sent} when there was
   * no endpoint or deliveries were off; {@code failed} when the tries ended without delivery.
   */
  public record Event(
      String id,
      String type,
      String paymentId,
      @JsonFormat(shape = JsonFormat.Shape.STRING) Instant createdAt,
      Delivery delivery) {}

  public record Delivery(
      String status,
      int attempts,
      @JsonFormat(shape = JsonFormat.Shape.STRING) Instant lastAttemptAt,
      Integer lastStatusCode) {}

  public static EventList of(List<MerchantEvent> events, boolean hasMore) {
    return new EventList(events.stream().map(EventList::event).toList(), hasMore);
  }

  private static Event event(MerchantEvent event) {
    String status = event.delivered() ? "delivered"
        : event.pending() ? "pending"
        : "skipped".equals(event.lastOutcome()) ? "not_sent"
        : "failed";
    return new Event(event.eventId(), event.eventType(), event.paymentId(), event.createdAt(),
        new Delivery(status, event.attempts(), event.lastAttemptAt(), event.lastStatusCode()));
  }
}
