package io.durapay.api.outbox;

import com.codahale.metrics.health.HealthCheck;
import io.durapay.store.OutboxDao;
import java.time.Duration;
import java.util.Optional;

/**
 * Unhealthy when the oldest unpublished event has waited longer than the threshold: events are
 * safe in the outbox, but payments are not moving on.
 */
public final class OutboxLagHealthCheck extends HealthCheck {
  private final OutboxDao outbox;
  private final Duration threshold;

  public OutboxLagHealthCheck(OutboxDao outbox, Duration threshold) {
    this.outbox = outbox;
    this.threshold = threshold;
  }

  @Override
  protected Result check() {
    Optional<Duration> lag = outbox.oldestPendingAge();
    long pending = outbox.countPending();
    if (lag.isEmpty()) {
      return Result.healthy("outbox empty");
    }
    String detail =
        pending + " event(s) pending, oldest waiting " + lag.get().toMillis() + " ms";
    return lag.get().compareTo(threshold) > 0
        ? Result.unhealthy(detail + " (threshold " + threshold.toMillis() + " ms)")
        : Result.healthy(detail);
  }
}
