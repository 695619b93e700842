package io.durapay.devstack.sns;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Speaks the AWS Query protocol that the SNS SDKs use: form-encoded parameters in, the documented
 * XML shapes out. Requests are not authenticated — SigV4 signatures are neither checked nor
 * required — because the emulator listens on loopback only and any dummy credentials must do.
 *
 * <p>Long because it decodes the Query protocol's flattened parameters and writes the XML answers
 * for all four actions, PublishBatch's whole-call and per-entry refusals included; they stay in one
 * handler because every action uses the same parameter decoding, escaping and error shape.
 */
final class SnsQueryHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(SnsQueryHandler.class);
  private static final String NAMESPACE = "http://sns.amazonaws.com/doc/2010-03-31/";
  private static final int MAX_BATCH_ENTRIES = 10;
  private static final long MAX_BATCH_BYTES = 256 * 1024;
  private static final Pattern BATCH_ENTRY_ID = Pattern.compile("[A-Za-z0-9_-]{1,80}");

  private final SnsTopics topics;

  SnsQueryHandler(SnsTopics topics) {
    this.topics = topics;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String requestId = UUID.randomUUID().toString();
    int status = 200;
    String xml;
    try {
      xml = dispatch(parameters(exchange), requestId);
    } catch (SnsApiException e) {
      status = e.status();
      xml = error("Sender", e.code(), e.getMessage(), requestId);
    } catch (RuntimeException e) {
      LOG.error("SNS emulator: request {} failed", requestId, e);
      status = 500;
      xml = error("Receiver", "InternalError", "The emulator failed: " + e, requestId);
    }
    byte[] body = xml.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/xml");
    exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    } finally {
      exchange.close();
    }
  }

  private String dispatch(Map<String, String> parameters, String requestId) {
    String action = parameters.getOrDefault("Action", "");
    switch (action) {
      case "CreateTopic" -> {
        String arn = topics.createTopic(required(parameters, "Name"));
        return success(action, "<TopicArn>" + escape(arn) + "</TopicArn>", requestId);
      }
      case "Subscribe" -> {
        Map<String, String> attributes = new LinkedHashMap<>();
        indexed(parameters, "Attributes.entry.")
            .forEach(entry -> attributes.put(entry.get("key"), entry.getOrDefault("value", "")));
        SnsSubscription subscription =
            topics.subscribe(
                required(parameters, "TopicArn"),
                required(parameters, "Protocol"),
                required(parameters, "Endpoint"),
                attributes);
        String result =
            "<SubscriptionArn>" + escape(subscription.subscriptionArn()) + "</SubscriptionArn>";
        return success(action, result, requestId);
      }
      case "Publish" -> {
        String messageId =
            topics.publish(
                required(parameters, "TopicArn"),
                parameters.get("Subject"),
                required(parameters, "Message"),
                messageAttributes(parameters));
        return success(action, "<MessageId>" + messageId + "</MessageId>", requestId);
      }
      case "PublishBatch" -> {
        return success(action, publishBatch(parameters), requestId);
      }
      default -> throw SnsApiException.invalidAction(action);
    }
  }

  /**
   * PublishBatch as SNS answers it: the call is refused as a whole only for the batch's shape
   * (no entries, more than ten, ids repeated or malformed, over 256 KiB in all, an unknown topic);
   * otherwise each entry is published or listed as failed on its own.
   */
  private String publishBatch(Map<String, String> parameters) {
    String topicArn = required(parameters, "TopicArn");
    List<Map<String, String>> entries = indexed(parameters, "PublishBatchRequestEntries.member.");
    if (entries.isEmpty()) {
      throw SnsApiException.batch("EmptyBatchRequest", "The batch request doesn't contain any entries.");
    }
    if (entries.size() > MAX_BATCH_ENTRIES) {
      throw SnsApiException.batch("TooManyEntriesInBatchRequest",
          "The batch request contains more entries than permissible.");
    }
    Set<String> ids = new HashSet<>();
    long bytes = 0;
    for (Map<String, String> entry : entries) {
      String id = entry.getOrDefault("Id", "");
      if (!BATCH_ENTRY_ID.matcher(id).matches()) {
        throw SnsApiException.batch("InvalidBatchEntryId",
            "The Id of a batch entry in a batch request doesn't abide by the specification.");
      }
      if (!ids.add(id)) {
        throw SnsApiException.batch("BatchEntryIdsNotDistinct",
            "Two or more batch entries in the request have the same Id.");
      }
      bytes += messageSize(entry);
    }
    if (bytes > MAX_BATCH_BYTES) {
      throw SnsApiException.batch("BatchRequestTooLong",
          "The length of all the messages put together is more than the limit.");
    }
    topics.requireTopic(topicArn); // NotFound for an unknown topic, before anything is delivered
    List<String> acceptedIds = new ArrayList<>();
    List<SnsTopics.Message> accepted = new ArrayList<>();
    StringBuilder failed = new StringBuilder("<Failed>");
    for (Map<String, String> entry : entries) {
      try {
        accepted.add(new SnsTopics.Message(
            UUID.randomUUID().toString(),
            entry.get("Subject"),
            required(entry, "Message"),
            messageAttributes(entry)));
        acceptedIds.add(entry.get("Id"));
      } catch (SnsApiException e) {
        failed.append("<member><Id>").append(escape(entry.get("Id"))).append("</Id><Code>")
            .append(e.code()).append("</Code><Message>").append(escape(e.getMessage()))
            .append("</Message><SenderFault>true</SenderFault></member>");
      }
    }
    topics.publish(topicArn, accepted);
    StringBuilder successful = new StringBuilder("<Successful>");
    for (int i = 0; i < accepted.size(); i++) {
      successful.append("<member><Id>").append(escape(acceptedIds.get(i))).append("</Id><MessageId>")
          .append(accepted.get(i).messageId()).append("</MessageId></member>");
    }
    return successful.append("</Successful>").append(failed).append("</Failed>").toString();
  }

  /** What SNS counts toward a batch's size: each message, and its attributes' names, types, values. */
  private static long messageSize(Map<String, String> entry) {
    long bytes = utf8Length(entry.get("Message"));
    for (Map<String, String> attribute : indexed(entry, "MessageAttributes.entry.")) {
      bytes += utf8Length(attribute.get("Name")) + utf8Length(attribute.get("Value.DataType"))
          + utf8Length(attribute.getOrDefault("Value.StringValue", attribute.get("Value.BinaryValue")));
    }
    return bytes;
  }

  private static long utf8Length(String text) {
    return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
  }

  /**
   * Publish's attributes, in the order the request numbered them. The Query protocol flattens the
   * map to {@code MessageAttributes.entry.N.Name} and {@code .Value.DataType / .StringValue /
   * .BinaryValue}.
   */
  private static Map<String, SnsMessageAttribute> messageAttributes(Map<String, String> parameters) {
    Map<String, SnsMessageAttribute> attributes = new LinkedHashMap<>();
    for (Map<String, String> entry : indexed(parameters, "MessageAttributes.entry.")) {
      String name = entry.get("Name");
      String dataType = entry.get("Value.DataType");
      String value = entry.getOrDefault("Value.StringValue", entry.get("Value.BinaryValue"));
      if (name == null || dataType == null || value == null) {
        throw SnsApiException.invalidParameter(
            "MessageAttributes: each needs a Name, a DataType and a value");
      }
      attributes.put(name, new SnsMessageAttribute(dataType, value));
    }
    return attributes;
  }

  /**
   * Groups the {@code <start>N.<field>} parameters into one map of fields per N, in the order of
   * N: {@code Attributes.entry.N.key}, {@code PublishBatchRequestEntries.member.N.Message}.
   */
  private static List<Map<String, String>> indexed(Map<String, String> parameters, String start) {
    Map<Integer, Map<String, String>> byIndex = new TreeMap<>();
    parameters.forEach(
        (key, value) -> {
          if (key.startsWith(start)) {
            String rest = key.substring(start.length());
            int dot = rest.indexOf('.');
            if (dot > 0 && rest.substring(0, dot).chars().allMatch(Character::isDigit)) {
              byIndex
                  .computeIfAbsent(Integer.parseInt(rest.substring(0, dot)), n -> new HashMap<>())
                  .put(rest.substring(dot + 1), value);
            }
          }
        });
    return List.copyOf(byIndex.values());
  }

  /** The form body of a POST; the query string too, so the envelope's UnsubscribeURL works. */
  private static Map<String, String> parameters(HttpExchange exchange) throws IOException {
    Map<String, String> parameters = new HashMap<>();
    decodeInto(exchange.getRequestURI().getRawQuery(), parameters);
    decodeInto(
        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), parameters);
    return parameters;
  }

  private static void decodeInto(String form, Map<String, String> parameters) {
    if (form == null || form.isEmpty()) {
      return;
    }
    for (String pair : form.split("&")) {
      int equals = pair.indexOf('=');
      String key = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      parameters.put(
          URLDecoder.decode(key, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
  }

  private static String required(Map<String, String> parameters, String name) {
    String value = parameters.get(name);
    if (value == null || value.isEmpty()) {
      throw SnsApiException.invalidParameter(name + " is required");
    }
    return value;
  }

  private static String success(String action, String result, String requestId) {
    String resultElement =
        result == null ? "" : "<" + action + "Result>" + result + "</" + action + "Result>";
    return "<" + action + "Response xmlns=\"" + NAMESPACE + "\">" + resultElement
        + "<ResponseMetadata><RequestId>" + requestId + "</RequestId></ResponseMetadata>"
        + "</" + action + "Response>";
  }

  private static String error(String type, String code, String message, String requestId) {
    return "<ErrorResponse xmlns=\"" + NAMESPACE + "\"><Error><Type>" + type + "</Type><Code>"
        + code + "</Code><Message>" + escape(message) + "</Message></Error><RequestId>"
        + requestId + "</RequestId></ErrorResponse>";
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
