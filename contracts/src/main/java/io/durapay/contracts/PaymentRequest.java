package io.durapay.contracts;

/**
 * The input of {@link PaymentWorkflow}. It carries ids and amounts only: activities read anything
 * secret (webhook secrets, API keys) from the store, so no secret is ever written to a history.
 *
 * @param paymentId the payment to carry to a final state
 * @param merchantId the merchant that owns it
 * @param amount amount in minor units of {@code currency}
 * @param currency ISO 4217 code, upper case
 * @param paymentMethod the gateway's payment-method token ({@code pm_…}), never a card number
 * @param correlationId the id of the API request that created the payment
 */
public record PaymentRequest(
    String paymentId,
    String merchantId,
    long amount,
    String currency,
    String paymentMethod,
    String correlationId) {}
