package io.durapay.worker.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Stripe-style error object ({@code type}, {@code code}, {@code decline_code}, {@code message}),
 * from an error response or an intent's {@code last_payment_error}. Absent fields are null.
 */
record GatewayError(String type, String code, String declineCode, String message) {

  private static final GatewayError NONE = new GatewayError(null, null, null, null);

  /**
   * Reads the {@code error} of a response body; a body that is not JSON (a proxy's page) has none.
   */
  static GatewayError fromBody(ObjectMapper json, String body) {
    try {
      JsonNode root = json.readTree(body);
      return root == null ? NONE : from(root.path("error"));
    } catch (JsonProcessingException notJson) {
      return NONE;
    }
  }

  static GatewayError from(JsonNode error) {
    return new GatewayError(
        text(error, "type"),
        text(error, "code"),
        text(error, "decline_code"),
        text(error, "message"));
  }

  /** Maps an unsuccessful HTTP answer to what the caller should do about it. */
  GatewayException toException(String request, int status, Duration retryAfter) {
    String message = request + ": HTTP " + status + describe();
    if (status == 402 || "card_error".equals(type)) {
      return new PaymentDeclinedException(declineCodeOr("card_declined"), message);
    }
    // A refused key (bad, revoked, rotated) says nothing about the money: the call is tried again,
    // and GatewayKeyHealth tells the operator. Failing it would fail, or refund_failed, every
    // payment in flight until the key is fixed.
    if (status == 401 || status == 403) {
      return new GatewayRetryableException(GatewayKeyHealth.REFUSED, message, retryAfter, null);
    }
    if (status == 409 || status == 429 || status >= 500) {
      return new GatewayRetryableException(codeOr("http_" + status), message, retryAfter, null);
    }
    return new GatewayRejectedException(status, codeOr("http_" + status), message);
  }

  String declineCodeOr(String fallback) {
    return declineCode != null ? declineCode : codeOr(fallback);
  }

  /** The error as message text, for example {@code " (card_error, card_declined): Declined."}. */
  String describe() {
    String codes =
        Stream.of(type, code, declineCode)
            .filter(Objects::nonNull)
            .collect(Collectors.joining(", "));
    return (codes.isEmpty() ? "" : " (" + codes + ")") + (message == null ? "" : ": " + message);
  }

  private String codeOr(String fallback) {
    return code != null ? code : fallback;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isValueNode() && !value.isNull() ? value.asText() : null;
  }
}
