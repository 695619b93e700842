package io.durapay.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.temporal.api.history.v1.History;
import io.temporal.common.WorkflowExecutionHistory;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads a workflow history in the JSON forms people export it in:
 *
 * <ul>
 *   <li>the SDK's {@code WorkflowClient.fetchHistory(id).toJson(...)}: protobuf's JSON;
 *   <li>{@code temporal workflow show --output json}, with {@code --no-json-shorthand-payloads}
 *       (protobuf's JSON, perhaps with fields newer than this SDK knows) or without it, where a
 *       CLI may write each {@code json/plain} payload as the JSON value it holds ("shorthand");
 *   <li>the older tctl form with enum names such as {@code WorkflowExecutionStarted}.
 * </ul>
 *
 * Anything else is refused with a one-line reason.
 */
final class ExportedHistory {
  /** Strict and fast: the SDK's own exports take this path. */
  private static final JsonFormat.Parser PROTO_JSON = JsonFormat.parser();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JSON_PLAIN = Base64.getEncoder().encodeToString("json/plain".getBytes(StandardCharsets.UTF_8));

  private ExportedHistory() {}

  private static final String NO_EVENTS = "no \"events\" array; expected the JSON of"
      + " `temporal workflow show --output json` or of WorkflowExecutionHistory.toJson";

  static History parse(String text) {
    History.Builder history = History.newBuilder();
    try {
      PROTO_JSON.merge(text, history);
      if (history.getEventsCount() == 0) {
        throw new IllegalArgumentException(NO_EVENTS);
      }
      return history.build();
    } catch (InvalidProtocolBufferException notStrictProtoJson) {
      // One of the other forms, or not a history at all.
    }
    JsonNode tree;
    try {
      tree = JSON.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON (" + e.getOriginalMessage() + ")");
    }
    if (tree == null || !tree.path("events").isArray() || tree.path("events").isEmpty()) {
      throw new IllegalArgumentException(NO_EVENTS);
    }
    expandShorthandPayloads(tree);
    try {
      // The SDK's reader also takes tctl's enum names and skips fields newer than this SDK.
      return WorkflowExecutionHistory.fromJson(JSON.writeValueAsString(tree)).getHistory();
    } catch (RuntimeException | java.io.IOException e) {
      throw new IllegalArgumentException("events that are not Temporal history events ("
          + firstLine(e.getMessage()) + ")");
    }
  }

  /**
   * Turns every shorthand payload back into a {@code json/plain} Payload: the values of a
   * {@code payloads} array, and of the {@code fields} / {@code indexedFields} maps (headers,
   * memos, search attributes). A value that already is a Payload is left as it is.
   */
  static void expandShorthandPayloads(JsonNode node) {
    if (node.isArray()) {
      node.forEach(ExportedHistory::expandShorthandPayloads);
      return;
    }
    if (!node.isObject()) {
      return;
    }
    ObjectNode object = (ObjectNode) node;
    for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode value = field.getValue();
      switch (field.getKey()) {
        case "payloads" -> {
          if (value.isArray()) {
            ArrayNode array = (ArrayNode) value;
            for (int i = 0; i < array.size(); i++) {
              array.set(i, asPayload(array.get(i)));
            }
          }
        }
        case "fields", "indexedFields" -> {
          if (value.isObject()) {
            value.fields().forEachRemaining(entry -> ((ObjectNode) value).set(entry.getKey(), asPayload(entry.getValue())));
          }
        }
        default -> expandShorthandPayloads(value);
      }
    }
  }

  private static JsonNode asPayload(JsonNode value) {
    if (isPayload(value)) {
      return value;
    }
    ObjectNode payload = JSON.createObjectNode();
    payload.putObject("metadata").put("encoding", JSON_PLAIN);
    try {
      payload.put("data", Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(value)));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return payload;
  }

  /** A Payload in protobuf's JSON: {@code metadata} (encoding and the like) and {@code data}. */
  private static boolean isPayload(JsonNode value) {
    if (!value.isObject() || !value.path("metadata").isObject()) {
      return false;
    }
    for (Iterator<String> names = value.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("metadata") && !name.equals("data") && !name.equals("externalPayloads")) {
        return false;
      }
    }
    return true;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
