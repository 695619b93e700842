package io.durapay.api.outbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.durapay.contracts.EventEnvelope;
import io.durapay.contracts.EventType;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.WorkflowStarter;
import io.durapay.store.OutboxEvent;
import java.io.IOException;

/**
 * The {@code direct} publishing mode, for deployments without AWS: the relay starts the payment's
 * workflow itself, through the same {@link WorkflowStarter} the Lambda bridge uses, so a repeated
 * event still gives one workflow.
 */
public final class DirectEventPublisher implements EventPublisher {
  private final WorkflowStarter starter;
  private final ObjectMapper mapper;

  public DirectEventPublisher(WorkflowStarter starter, ObjectMapper mapper) {
    this.starter = starter;
    this.mapper = mapper;
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
