package io.durapay.bridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.durapay.contracts.EventEnvelope;
import io.durapay.contracts.EventType;
import java.util.Locale;

/**
 * Turns the body of one SQS message into the {@code payment.initiated} event it carries. The body
 * is either the SNS envelope (a subscription with raw delivery off: {@code {"Type":"Notification",
 * "Message":"<our envelope as a string>", ...}}) or, with raw delivery on, our envelope itself.
 * Anything else is rejected with a short reason; the body is never echoed, since it is the
 * sender's data and may be large.
 *
 * <p>The SNS signature is not verified: the queue policy admits only our topic.
 */
public final class EventDecoder {
  /** How much of a sender's value, or of a parser's complaint, a reason may quote. */
  private static final int MAX_VALUE_ECHO = 40;

  private static final int MAX_REASON_ECHO = 120;

  // Unknown fields are ignored, so a producer may add fields to the envelope or its data before
  // every consumer knows them (forward compatibility). Required fields are checked explicitly.
  // Trailing content is not ignored: a body is one JSON document or it is not ours.
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  public EventEnvelope decode(String body) throws RejectedMessageException {
    JsonNode event = unwrapSns(parseObject(body, "body"));
    requireInitiated(event);
    requireText(event, "id");
    requireText(event, "occurredAt");
    JsonNode data = event.path("data");
    if (!data.isObject()) {
      throw new RejectedMessageException("missing 'data' object");
    }
    requireText(data, "paymentId", "data.paymentId");
    requireText(data, "merchantId", "data.merchantId");
    requireText(data, "currency", "data.currency");
    JsonNode amount = data.path("amount");
    if (!amount.isIntegralNumber() || !amount.canConvertToLong() || amount.asLong() <= 0) {
      throw new RejectedMessageException("'data.amount' must be a positive integer (minor units)");
    }
    try {
      return MAPPER.treeToValue(event, EventEnvelope.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new RejectedMessageException("invalid payment.initiated event: " + reason(e));
    }
  }

  private static JsonNode unwrapSns(JsonNode node) throws RejectedMessageException {
    if (!node.has("Type")) {
      return node; // raw delivery: the body is our envelope
    }
    String type = node.path("Type").asText();
    if (!"Notification".equals(type)) {
      throw new RejectedMessageException(
          "SNS message of Type '" + cap(type) + "', not a Notification");
    }
    JsonNode message = node.path("Message");
    if (!message.isTextual()) {
      throw new RejectedMessageException("SNS notification without a 'Message' string");
    }
    return parseObject(message.asText(), "SNS Message");
  }

  private static void requireInitiated(JsonNode event) throws RejectedMessageException {
    JsonNode type = event.path("type");
    if (!type.isTextual()) {
      throw new RejectedMessageException("not a durapay event envelope: no 'type' field");
    }
    String initiated = EventType.PAYMENT_INITIATED.wireName();
    if (!initiated.equals(type.asText())) {
      throw new RejectedMessageException(
          "event type '" + cap(type.asText()) + "' is not " + initiated);
    }
  }

  private static JsonNode parseObject(String json, String what) throws RejectedMessageException {
    if (json == null || json.isBlank()) {
      throw new RejectedMessageException(what + " is empty");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      // Only where: the parser's own message quotes the offending token, which is sender data.
      throw new RejectedMessageException(
          what + " is not valid JSON (line " + e.getLocation().getLineNr()
              + ", column " + e.getLocation().getColumnNr() + ")");
    }
    if (!node.isObject()) {
      throw new RejectedMessageException(
          what + " is a JSON " + node.getNodeType().name().toLowerCase(Locale.ROOT)
              + ", not an object");
    }
    return node;
  }

  private static void requireText(JsonNode node, String field) throws RejectedMessageException {
    requireText(node, field, field);
  }

  private static void requireText(JsonNode node, String field, String path)
      throws RejectedMessageException {
    JsonNode value = node.path(field);
    if (!value.isTextual() || value.asText().isBlank()) {
      throw new RejectedMessageException("missing or empty '" + path + "'");
    }
  }

  /** Jackson's complaint without its location suffix, which may quote the source. */
  private static String reason(Exception e) {
    String message =
        e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
    return cap(message, MAX_REASON_ECHO);
  }

  private static String cap(String value) {
    return cap(value, MAX_VALUE_ECHO);
  }

  private static String cap(String value, int max) {
    String oneLine = String.valueOf(value).replaceAll("\\s+", " ");
    return oneLine.length() <= max ? oneLine : oneLine.substring(0, max) + "...";
  }
}
