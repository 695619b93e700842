package io.durapay.api.outbox;

import io.durapay.store.OutboxEvent;
import java.util.ArrayList;
import java.util.List;

/** Sends outbox events on their way (to SNS, or straight to Temporal in direct mode). */
public interface EventPublisher {

  /**
   * Publishes the event's payload with its type and correlation id as attributes. Returns only
   * once the destination has accepted it; throws {@link PublishException} otherwise, and the
   * event stays in the outbox to be tried again.
   */
  void publish(OutboxEvent event) throws PublishException;

  /**
   * Publishes several events, in as few calls as the destination allows. Returns what became of
   * each event it tried, in the order given; it may stop trying after an outage (a failure that is
   * not a {@linkplain PublishException#refused() refusal}), and the events after the last outcome
   * were then not tried at all. This default publishes one event at a time and stops at the first
   * failure.
   */
  default List<PublishOutcome> publishAll(List<OutboxEvent> events) {
    List<PublishOutcome> outcomes = new ArrayList<>(events.size());
    for (OutboxEvent event : events) {
      PublishOutcome outcome = PublishOutcome.of(event, () -> publish(event));
      outcomes.add(outcome);
      if (!outcome.published()) {
        break;
      }
    }
    return outcomes;
  }
}
