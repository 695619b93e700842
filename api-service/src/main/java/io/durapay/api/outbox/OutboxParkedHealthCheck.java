package io.durapay.api.outbox;

import com.codahale.metrics.health.HealthCheck;
import io.durapay.store.OutboxDao;
import io.durapay.store.OutboxEvent;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Unhealthy while any event is parked: the destination refused it {@code outbox.maxAttempts}
 * times, so its payment waits for an operator to fix the cause and re-queue it.
 */
public final class OutboxParkedHealthCheck extends HealthCheck {
  private static final int SHOWN = 5;
  private final OutboxDao outbox;

  public OutboxParkedHealthCheck(OutboxDao outbox) {
    this.outbox = outbox;
  }

  @Override
  protected Result check() {
    long parked = outbox.countParked();
    if (parked == 0) {
      return Result.healthy("no parked events");
    }
    List<OutboxEvent> first = outbox.listParked(SHOWN);
    String events =
        first.stream()
            .map(e -> e.eventId() + " (" + e.aggregateId() + ": " + e.lastError() + ")")
            .collect(Collectors.joining(", "));
    return Result.unhealthy(
        parked
            + " event(s) parked after the destination refused them: "
            + events
            + (parked > SHOWN ? ", …" : "")
            + ". Fix the cause, then POST /tasks/requeue-parked-outbox-events.");
  }
}
