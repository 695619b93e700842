package io.durapay.contracts;

/**
 * The {@code ApplicationFailure} types activities throw. Workflows list the final ones as
 * non-retryable and read the failure code from the failure's first detail.
 */
public final class FailureTypes {
  /** The payment cannot be processed as it is (missing, not initiated, over a limit). */
  public static final String PAYMENT_INVALID = "PaymentInvalid";
  /**
   * The payment is already final: another workflow carried it. The workflow changes nothing and
   * ends quietly. (The name is kept: it is recorded in histories.)
   */
  public static final String PAYMENT_NOT_INITIATED = "PaymentNotInitiated";
  /** The gateway declined the charge; the detail is the decline code. */
  public static final String PAYMENT_DECLINED = "PaymentDeclined";
  /** The gateway refused the request itself (a 4xx that retrying will not fix). */
  public static final String GATEWAY_REJECTED = "GatewayRejected";
  /** The gateway could not be reached or answered 409, 429 or 5xx; retried. */
  public static final String GATEWAY_UNAVAILABLE = "GatewayUnavailable";
  /**
   * The gateway refused our API key (HTTP 401/403: a bad, revoked or rotated key); retried, and
   * from v2's {@code wait-for-gateway-key} on, waited out by the workflow instead of failing the
   * payment. The detail is {@code authentication_refused}.
   */
  public static final String GATEWAY_KEY_REFUSED = "GatewayKeyRefused";
  /** The merchant's webhook endpoint did not accept the event this time; retried. */
  public static final String WEBHOOK_NOT_DELIVERED = "WebhookNotDelivered";

  private FailureTypes() {}

  /** A failure code for a type that carried none. */
  public static String codeFor(String type) {
    return switch (type) {
      case PAYMENT_DECLINED -> "card_declined";
      case GATEWAY_REJECTED -> "gateway_rejected";
      case GATEWAY_UNAVAILABLE -> "gateway_unavailable";
      case GATEWAY_KEY_REFUSED -> "authentication_refused";
      default -> "processing_error";
    };
  }
}
