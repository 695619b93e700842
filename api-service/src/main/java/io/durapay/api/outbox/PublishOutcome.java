package io.durapay.api.outbox;

import io.durapay.store.OutboxEvent;

/**
 * What became of one event in {@link EventPublisher#publishAll}: accepted by the destination
 * ({@code failure} is null), refused as such, or not accepted because the destination is out.
 */
public record PublishOutcome(OutboxEvent event, PublishException failure) {

  /** One publishing attempt; anything it throws is a failure of this event. */
  @FunctionalInterface
  interface Attempt {
    void run() throws PublishException;
  }

  public static PublishOutcome published(OutboxEvent event) {
    return new PublishOutcome(event, null);
  }

  public static PublishOutcome failed(OutboxEvent event, PublishException failure) {
    return new PublishOutcome(event, failure);
  }

  /** Runs {@code attempt} and says how it went; an unexpected exception counts as an outage. */
  static PublishOutcome of(OutboxEvent event, Attempt attempt) {
    try {
      attempt.run();
      return published(event);
    } catch (PublishException e) {
      return failed(event, e);
    } catch (RuntimeException e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return failed(event, new PublishException(message, e));
    }
  }

  public boolean published() {
    return failure == null;
  }

  public boolean refused() {
    return failure != null && failure.refused();
  }
}
