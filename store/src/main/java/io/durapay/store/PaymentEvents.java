package io.durapay.store;

import io.durapay.contracts.EventEnvelope;
import io.durapay.contracts.EventType;
import io.durapay.contracts.MerchantMessages;
import io.durapay.contracts.PaymentEventData;
import io.durapay.contracts.PaymentStatus;
import java.time.Instant;

/** The envelope of an event about a stored payment: the one place its data is read off the row. */
public final class PaymentEvents {
  private PaymentEvents() {}

  /**
   * {@code payment.initiated}, which starts the payment's workflow: the payment as it was created,
   * {@code initiated}, whatever its row says by the time the event is published.
   */
  public static EventEnvelope initiated(Payment payment, String eventId, Instant occurredAt) {
    return new EventEnvelope(eventId, EventType.PAYMENT_INITIATED, occurredAt, payment.correlationId(),
        new PaymentEventData(payment.id(), payment.merchantId(), payment.amount(), payment.currency(),
            PaymentStatus.INITIATED, null, null, null));
  }

  /**
   * An event for the merchant about the payment as its row stands: the failure as its merchant
   * code and fixed sentence (the stored message is for operators), the gateway's reference.
   */
  public static EventEnvelope of(
      Payment payment, String eventId, EventType type, Instant occurredAt, String correlationId) {
    return new EventEnvelope(eventId, type, occurredAt, correlationId,
        new PaymentEventData(payment.id(), payment.merchantId(), payment.amount(), payment.currency(),
            payment.status(), MerchantMessages.code(payment.failureCode()),
            MerchantMessages.forCode(payment.failureCode()), payment.gatewayReference()));
  }
}
