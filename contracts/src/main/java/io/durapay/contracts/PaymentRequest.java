package io.durapay.contracts;

/**
 * The input of {@link PaymentWorkflow}. It carries ids and amounts only: activities read the rest
 * (the payment-method token, webhook URL and secret) from the store, so nothing sensitive is ever
 * written to a history. The bridge builds it from the {@code payment.initiated} event.
 *
 * @param paymentId the payment to carry to a final state
 * @param merchantId the merchant that owns it
 * @param amount amount in minor units of {@code currency}
 * @param currency ISO 4217 code, upper case
 * @param correlationId the id of the API request that created the payment
 */
public record PaymentRequest(
    String paymentId, String merchantId, long amount, String currency, String correlationId) {

  /** The workflow input for the payment an event describes. */
  public static PaymentRequest from(EventEnvelope event) {
    PaymentEventData data = event.data();
    return new PaymentRequest(
        data.paymentId(), data.merchantId(), data.amount(), data.currency(), event.correlationId());
  }
}
