package io.durapay.worker.gateway;

/**
 * A PaymentIntent as the gateway reports it, whatever its status.
 *
 * @param id the gateway's PaymentIntent id
 * @param status {@code requires_confirmation}, {@code succeeded} (charged), {@code processing}
 *     (not final yet), {@code requires_payment_method} (declined), {@code requires_action},
 *     {@code requires_capture}, {@code canceled}
 * @param amount the amount, in minor units
 * @param currency the lower-case ISO 4217 code
 * @param declineCode the last payment error's decline code, or null
 * @param lastError the last payment error as message text ({@code " (card_error, …): …"}), or ""
 */
public record GatewayIntent(
    String id, String status, long amount, String currency, String declineCode, String lastError) {

  /** Money moved: the intent succeeded. */
  public boolean succeeded() {
    return "succeeded".equals(status);
  }

  /** Final without a charge: canceled, or declined and left so. */
  public boolean canceled() {
    return "canceled".equals(status);
  }

  /** Still moving at the gateway (asynchronous settlement): neither charged nor not yet. */
  public boolean processing() {
    return "processing".equals(status);
  }

  /** The charge a succeeded intent made. */
  public GatewayCharge toCharge() {
    return new GatewayCharge(id, status, amount, currency);
  }
}
