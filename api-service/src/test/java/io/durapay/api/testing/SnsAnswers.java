package io.durapay.api.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URLDecoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A WireMock extension that answers SNS's Publish and PublishBatch as SNS does: every message
 * accepted, except those containing the stub's {@code refuse} parameter, which SNS refuses as
 * InvalidParameter (the whole call for Publish, the entry for PublishBatch). Stubs opt in with
 * {@link #accept()} or {@link #acceptAllBut(String)}. It also reads the messages back out of a
 * request, whichever of the two actions carried them.
 */
public final class SnsAnswers implements ResponseDefinitionTransformerV2 {
  public static final String NAME = "sns-answers";
  private static final String NAMESPACE = "http://sns.amazonaws.com/doc/2010-03-31/";

  /** SNS accepts every message. */
  public static ResponseDefinitionBuilder accept() {
    return WireMock.aResponse().withTransformers(NAME);
  }

  /** SNS refuses the messages containing {@code marker} and accepts the rest. */
  public static ResponseDefinitionBuilder acceptAllBut(String marker) {
    return accept().withTransformerParameter("refuse", marker);
  }

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public boolean applyGlobally() {
    return false;
  }

  @Override
  public ResponseDefinition transform(ServeEvent serveEvent) {
    Map<String, String> form = form(serveEvent.getRequest().getBodyAsString());
    Object marker = serveEvent.getTransformerParameters().get("refuse");
    String refuse = marker == null ? null : marker.toString();
    String action = form.getOrDefault("Action", "");
    if (action.equals("Publish")) {
      if (refuse != null && form.getOrDefault("Message", "").contains(refuse)) {
        return xml(400, invalidParameter());
      }
      return xml(200, "<PublishResponse xmlns=\"" + NAMESPACE + "\"><PublishResult><MessageId>m-"
          + System.nanoTime() + "</MessageId></PublishResult>" + metadata() + "</PublishResponse>");
    }
    if (action.equals("PublishBatch")) {
      StringBuilder successful = new StringBuilder();
      StringBuilder failed = new StringBuilder();
      for (Map<String, String> entry : entries(form)) {
        String id = entry.get("Id");
        if (refuse != null && entry.getOrDefault("Message", "").contains(refuse)) {
          failed.append("<member><Id>").append(id).append("</Id><Code>InvalidParameter</Code>")
              .append("<Message>Invalid parameter: Message</Message>")
              .append("<SenderFault>true</SenderFault></member>");
        } else {
          successful.append("<member><Id>").append(id).append("</Id><MessageId>m-").append(id)
              .append("</MessageId></member>");
        }
      }
      return xml(200, "<PublishBatchResponse xmlns=\"" + NAMESPACE + "\"><PublishBatchResult>"
          + "<Successful>" + successful + "</Successful><Failed>" + failed + "</Failed>"
          + "</PublishBatchResult>" + metadata() + "</PublishBatchResponse>");
    }
    return xml(400, "<ErrorResponse xmlns=\"" + NAMESPACE + "\"><Error><Type>Sender</Type>"
        + "<Code>InvalidAction</Code><Message>not emulated</Message></Error>"
        + "<RequestId>r-1</RequestId></ErrorResponse>");
  }

  /** The messages of a Publish or PublishBatch request body, in the order the request had them. */
  public static List<String> messages(String body) {
    Map<String, String> form = form(body);
    if ("Publish".equals(form.get("Action"))) {
      return List.of(form.get("Message"));
    }
    return entries(form).stream().map(entry -> entry.get("Message")).toList();
  }

  /**
   * The messages SNS accepted in one served request: Publish's message when it answered 200,
   * PublishBatch's entries that its answer lists as successful.
   */
  public static List<String> acceptedMessages(ServeEvent served) {
    if (served.getResponse().getStatus() != 200) {
      return List.of();
    }
    Map<String, String> form = form(served.getRequest().getBodyAsString());
    if ("Publish".equals(form.get("Action"))) {
      return List.of(form.get("Message"));
    }
    String answer = served.getResponse().getBodyAsString();
    int end = answer.indexOf("</Successful>");
    String successful = end < 0 ? "" : answer.substring(0, end);
    return entries(form).stream()
        .filter(entry -> successful.contains("<Id>" + entry.get("Id") + "</Id>"))
        .map(entry -> entry.get("Message"))
        .toList();
  }

  /** The action a request body asks for. */
  public static String action(String body) {
    return form(body).get("Action");
  }

  /** PublishBatch's entries, by their member number: each one's fields without the prefix. */
  public static List<Map<String, String>> entries(Map<String, String> form) {
    String prefix = "PublishBatchRequestEntries.member.";
    Map<Integer, Map<String, String>> byIndex = new TreeMap<>();
    form.forEach((key, value) -> {
      if (key.startsWith(prefix)) {
        String rest = key.substring(prefix.length());
        int dot = rest.indexOf('.');
        byIndex.computeIfAbsent(Integer.parseInt(rest.substring(0, dot)), n -> new HashMap<>())
            .put(rest.substring(dot + 1), value);
      }
    });
    return new ArrayList<>(byIndex.values());
  }

  public static Map<String, String> form(String body) {
    Map<String, String> form = new HashMap<>();
    if (body == null || body.isEmpty()) {
      return form;
    }
    for (String pair : body.split("&")) {
      String[] parts = pair.split("=", 2);
      form.put(URLDecoder.decode(parts[0], UTF_8),
          parts.length < 2 ? "" : URLDecoder.decode(parts[1], UTF_8));
    }
    return form;
  }

  private static String invalidParameter() {
    return "<ErrorResponse xmlns=\"" + NAMESPACE + "\"><Error><Type>Sender</Type>"
        + "<Code>InvalidParameter</Code><Message>Invalid parameter: Message</Message></Error>"
        + "<RequestId>r-1</RequestId></ErrorResponse>";
  }

  private static String metadata() {
    return "<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>";
  }

  private static ResponseDefinition xml(int status, String body) {
    return new ResponseDefinitionBuilder()
        .withStatus(status)
        .withHeader("Content-Type", "text/xml")
        .withBody(body)
        .build();
  }
}
