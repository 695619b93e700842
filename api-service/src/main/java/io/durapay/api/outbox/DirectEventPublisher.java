package io.durapay.api.outbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.durapay.contracts.EventEnvelope;
import io.durapay.contracts.EventType;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.WorkflowStarter;
import io.durapay.store.OutboxEvent;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The {@code direct} publishing mode, for deployments without AWS: the relay starts the payment's
 * workflow itself, through the same {@link WorkflowStarter} the Lambda bridge uses, so a repeated
 * event still gives one workflow. The events of a relay pass are started concurrently on {@code
 * executor}, as the bridge starts an SQS batch: a start is mostly a round trip to Temporal.
 */
public final class DirectEventPublisher implements EventPublisher {
  /** Workflow starts in flight at once, as the bridge's default {@code BRIDGE_START_CONCURRENCY}. */
  public static final int STARTS_IN_FLIGHT = 10;

  private final WorkflowStarter starter;
  private final ObjectMapper mapper;
  private final Executor executor;

  /** {@code executor} runs the starts of {@link #publishAll}; give it {@link #STARTS_IN_FLIGHT} threads. */
  public DirectEventPublisher(WorkflowStarter starter, ObjectMapper mapper, Executor executor) {
    this.starter = starter;
    this.mapper = mapper;
    this.executor = executor;
  }

  /**
   * Starts every event's workflow at once (up to the executor's threads) and reports each one's
   * outcome, in order. Each start stands alone: one that fails does not stop the others, and a
   * start that succeeds while another fails is still marked, so nothing is started twice.
   */
  @Override
  public List<PublishOutcome> publishAll(List<OutboxEvent> events) {
    List<CompletableFuture<PublishOutcome>> starts =
        events.stream()
            .map(event -> CompletableFuture.supplyAsync(
                () -> PublishOutcome.of(event, () -> publish(event)), executor))
            .toList();
    return starts.stream().map(CompletableFuture::join).toList();
  }

  @Override
  public void publish(OutboxEvent event) throws PublishException {
    EventEnvelope envelope;
    try {
      envelope = mapper.readValue(event.payload(), EventEnvelope.class);
    } catch (IOException e) {
      throw PublishException.refused(
          "outbox event " + event.eventId() + " is not an event envelope", e);
    }
    if (envelope.type() != EventType.PAYMENT_INITIATED) {
      // Only payment.initiated starts work; other events have no consumer in direct mode.
      return;
    }
    PaymentRequest request;
    try {
      request = PaymentRequest.from(envelope);
    } catch (RuntimeException e) {
      throw PublishException.refused(
          "outbox event " + event.eventId() + " does not describe a payment: " + e.getMessage(), e);
    }
    try {
      starter.start(request);
    } catch (RuntimeException e) {
      throw new PublishException(
          "starting the workflow of " + envelope.data().paymentId() + " failed: " + e.getMessage(), e);
    }
  }
}
