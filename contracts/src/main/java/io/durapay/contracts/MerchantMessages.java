package io.durapay.contracts;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a merchant is told about a failure: its code and a fixed sentence for that code, never the
 * text a step raised. That text is written for operators and may carry what a merchant must not
 * see (a payment-method token in a gateway's message, a worker's process and host, a risk rule's
 * threshold); it stays in the store ({@code payments.failure_message}), the logs and the workflow
 * history. The API's answers, the merchant's timeline and the webhooks say this instead.
 *
 * <p>Card declines whose true reason helps a fraudster (lost, stolen, fraudulent, "pick up") read
 * as a plain decline, as card networks and gateways advise.
 */
public final class MerchantMessages {
  /** A code a merchant may be shown: what gateways and durapay use, nothing longer or stranger. */
  private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]{0,63}");

  /** The code shown for a failure whose code is missing or not of that shape. */
  public static final String GENERIC_CODE = "processing_error";

  private static final String DECLINED = "The card was declined.";
  private static final String NOT_PROCESSED = "The payment could not be processed.";

  private static final Map<String, String> MESSAGES =
      Map.ofEntries(
          // Declines, from the gateway (its decline codes).
          Map.entry("card_declined", DECLINED),
          Map.entry("generic_decline", DECLINED),
          Map.entry("do_not_honor", DECLINED),
          Map.entry("lost_card", DECLINED),
          Map.entry("stolen_card", DECLINED),
          Map.entry("fraudulent", DECLINED),
          Map.entry("pickup_card", DECLINED),
          Map.entry("insufficient_funds", "The card has insufficient funds."),
          Map.entry("expired_card", "The card has expired."),
          Map.entry("incorrect_cvc", "The card's security code is incorrect."),
          Map.entry("incorrect_number", "The card number is incorrect."),
          Map.entry("card_velocity_exceeded", "The card has exceeded its limit; the customer should contact the issuer."),
          Map.entry("authentication_required",
              "The card requires the customer to authenticate (3-D Secure), which this payment cannot ask for."),
          Map.entry("intent_canceled", "The charge was cancelled at the gateway; nothing was charged."),
          // durapay's own decisions.
          Map.entry("risk_rejected", "The payment was declined by risk screening."),
          Map.entry("amount_exceeds_merchant_limit", "The amount is over the limit set for this merchant."),
          // The gateway or durapay could not carry the payment.
          Map.entry("gateway_unavailable", "The payment gateway could not be reached."),
          Map.entry("gateway_rejected", "The payment gateway refused the request."),
          Map.entry("authentication_refused", "The payment gateway refused durapay's credentials."),
          Map.entry("timeout", "A step of the payment did not finish in time."),
          Map.entry("refund_failed",
              "The payment failed and the refund of its charge did not go through; durapay's operators have been alerted."),
          // Steps of a payment's timeline.
          Map.entry("webhook_not_delivered", "The webhook was not accepted by the merchant's endpoint; it is sent again."),
          Map.entry("already_final", "The payment was already final; this run changed nothing."),
          Map.entry(GENERIC_CODE, NOT_PROCESSED));

  private MerchantMessages() {}

  /** The code a merchant is shown: the stored one if it is a plain code, else the generic one. */
  public static String code(String failureCode) {
    if (failureCode == null) {
      return null;
    }
    return CODE.matcher(failureCode).matches() ? failureCode : GENERIC_CODE;
  }

  /** The sentence for a failure code; null for no code, the generic sentence for an unknown one. */
  public static String forCode(String failureCode) {
    if (failureCode == null) {
      return null;
    }
    return MESSAGES.getOrDefault(code(failureCode), NOT_PROCESSED);
  }
}
