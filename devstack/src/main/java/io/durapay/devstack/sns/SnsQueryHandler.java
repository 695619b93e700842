package io.durapay.devstack.sns;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Speaks the AWS Query protocol that the SNS SDKs use: form-encoded parameters in, the documented
 * XML shapes out. Requests are not authenticated — SigV4 signatures are neither checked nor
 * required — because the emulator listens on loopback only and any dummy credentials must do.
 */
final class SnsQueryHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(SnsQueryHandler.class);
  private static final String NAMESPACE = "http://sns.amazonaws.com/doc/2010-03-31/";

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
        entries(parameters, "Attributes")
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
      case "ListSubscriptionsByTopic" -> {
        StringBuilder members = new StringBuilder("<Subscriptions>");
        for (SnsSubscription s : topics.subscriptions(required(parameters, "TopicArn"))) {
          members
              .append("<member><TopicArn>").append(escape(s.topicArn()))
              .append("</TopicArn><Protocol>").append(SnsSubscription.PROTOCOL)
              .append("</Protocol><SubscriptionArn>").append(escape(s.subscriptionArn()))
              .append("</SubscriptionArn><Owner>").append(SnsEmulator.ACCOUNT_ID)
              .append("</Owner><Endpoint>").append(escape(s.endpoint()))
              .append("</Endpoint></member>");
        }
        return success(action, members.append("</Subscriptions>").toString(), requestId);
      }
      case "Unsubscribe" -> {
        topics.unsubscribe(required(parameters, "SubscriptionArn"));
        return success(action, null, requestId);
      }
      default -> throw SnsApiException.invalidAction(action);
    }
  }

  /**
   * Publish's attributes, in the order the request numbered them. The Query protocol flattens the
   * map to {@code MessageAttributes.entry.N.Name} and {@code .Value.DataType / .StringValue /
   * .BinaryValue}.
   */
  private static Map<String, SnsMessageAttribute> messageAttributes(Map<String, String> parameters) {
    Map<String, SnsMessageAttribute> attributes = new LinkedHashMap<>();
    for (Map<String, String> entry : entries(parameters, "MessageAttributes")) {
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

  /** Groups {@code <prefix>.entry.N.<field>} parameters into one map of fields per N, by N. */
  private static List<Map<String, String>> entries(Map<String, String> parameters, String prefix) {
    String start = prefix + ".entry.";
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
