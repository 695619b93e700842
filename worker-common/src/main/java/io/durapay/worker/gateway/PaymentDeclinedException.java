package io.durapay.worker.gateway;

/**
 * The gateway refused the payment method for this payment (insufficient funds, stolen card,
 * authentication required …). Retrying cannot change the answer; the customer must pay another way.
 */
public final class PaymentDeclinedException extends GatewayException {

  public PaymentDeclinedException(String declineCode, String message) {
    super(declineCode, message, null);
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
