package io.durapay.devstack.gateway;

import java.util.Map;
import java.util.Optional;

/**
 * The parameters of a create-PaymentIntent request, as {@code GatewayClient} sends them.
 */
record IntentRequest(
    String paymentId, long amount, String currency, String paymentMethod, boolean redirectsNever) {

  /** Why the form cannot be charged, as the gateway's 400 answer; empty when it can. */
  static Optional<GatewayAnswer> problemWith(Map<String, String> form) {
    for (String required : new String[] {"amount", "currency", "payment_method"}) {
      if (isBlank(form.get(required))) {
        return Optional.of(missing(required));
      }
    }
    // Stripe does not need it, but the simulator names intents and answers searches by it.
    if (isBlank(form.get("metadata[payment_id]"))) {
      return Optional.of(missing("metadata[payment_id]"));
    }
    if (!form.get("amount").matches("[1-9]\\d{0,17}")) {
      return Optional.of(
          GatewayAnswer.invalidRequest(
              400, "parameter_invalid_integer", "Invalid integer: " + form.get("amount")));
    }
    if (!form.get("currency").matches("[a-z]{3}")) {
      return Optional.of(
          GatewayAnswer.invalidRequest(
              400, "parameter_invalid_string", "Invalid currency: " + form.get("currency")));
    }
    return Optional.empty();
  }

  /** Reads a form that {@link #problemWith} accepted. */
  static IntentRequest of(Map<String, String> form) {
    return new IntentRequest(
        form.get("metadata[payment_id]"),
        Long.parseLong(form.get("amount")),
        form.get("currency"),
        form.get("payment_method"),
        "never".equals(form.get("automatic_payment_methods[allow_redirects]"))
            || form.containsKey("payment_method_types[]"));
  }

  private static GatewayAnswer missing(String parameter) {
    return GatewayAnswer.invalidRequest(
        400, "parameter_missing", "Missing required param: " + parameter + ".");
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
