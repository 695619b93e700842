package io.durapay.api.payments;

import io.durapay.contracts.EventEnvelope;
import io.durapay.contracts.EventType;
import io.durapay.contracts.PaymentEventData;
import io.durapay.contracts.PaymentStatus;
import io.durapay.store.Payment;
import java.time.Instant;

/** The {@code payment.initiated} event of a payment, with a new event id each time. */
public final class InitiatedEvents {
  private InitiatedEvents() {}

  public static EventEnvelope of(Payment payment, Instant occurredAt) {
    return new EventEnvelope(
        PaymentIds.newEventId(),
        EventType.PAYMENT_INITIATED,
        occurredAt,
        payment.correlationId(),
        new PaymentEventData(
            payment.id(),
            payment.merchantId(),
            payment.amount(),
            payment.currency(),
            PaymentStatus.INITIATED,
            null,
            null,
            null));
  }
}
