package io.durapay.api.outbox;

import io.durapay.store.OutboxEvent;

/** Sends one outbox event on its way (to SNS, or straight to Temporal in direct mode). */
public interface EventPublisher {

  /**
   * Publishes the event's payload with its type and correlation id as attributes. Returns only
   * once the destination has accepted it; throws {@link PublishException} otherwise, and the
   * event stays in the outbox to be tried again.
   */
  void publish(OutboxEvent event) throws PublishException;
}
