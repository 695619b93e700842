package io.durapay.api.outbox;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okXml;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.stream.Collectors.toMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.dropwizard.util.Duration;
import io.durapay.store.OutboxEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SnsEventPublisherTest {

  private static final String TOPIC_ARN = "arn:aws:sns:us-east-1:000000000000:payment-events";
  private static final String ACCESS_KEY_ID = "AKIADURAPAYTEST00001";
  private static final String SECRET_ACCESS_KEY = "durapay/Test+Secret=Never-Log-This";
  // Characters that must be form-encoded: & = + space and non-ASCII.
  private static final String PAYLOAD =
      "{\"type\":\"payment.initiated\",\"amount\":1250,\"note\":\"tea & cake = 12+ €\"}";

  private final WireMockServer sns = new WireMockServer(options().dynamicPort());
  private SnsEventPublisher publisher;

  @BeforeEach
  void start() {
    sns.start();
    publisher = config("http://127.0.0.1:" + sns.port(), Duration.seconds(5)).build();
  }

  @AfterEach
  void stop() {
    publisher.close();
    sns.stop();
  }

  @Test
  void publishesThePayloadWithTypeAndCorrelationIdAttributes() throws Exception {
    sns.stubFor(post("/").willReturn(okXml(publishResponse())));

    publisher.publish(event("corr-42"));

    LoggedRequest request = onlyRequest();
    assertThat(request.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
    assertThat(request.getHeader("Authorization"))
        .startsWith("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY_ID + "/")
        .contains("/us-east-1/sns/aws4_request")
        .doesNotContain(SECRET_ACCESS_KEY);
    assertThat(request.getHeader("amz-sdk-request")).isEqualTo("attempt=1; max=1");
    Map<String, String> form = decodeForm(request.getBodyAsString());
    assertThat(form)
        .containsEntry("Action", "Publish")
        .containsEntry("Version", "2010-03-31")
        .containsEntry("TopicArn", TOPIC_ARN)
        .containsEntry("Message", PAYLOAD)
        .hasSize(10);
    assertThat(attributes(form))
        .containsOnly(
            Map.entry("eventType", new Attribute("String", "payment.initiated")),
            Map.entry("correlationId", new Attribute("String", "corr-42")));
  }

  @Test
  void leavesOutTheCorrelationIdWhenThereIsNone() throws Exception {
    sns.stubFor(post("/").willReturn(okXml(publishResponse())));

    publisher.publish(event(null));

    Map<String, String> form = decodeForm(onlyRequest().getBodyAsString());
    assertThat(attributes(form))
        .containsOnly(Map.entry("eventType", new Attribute("String", "payment.initiated")));
  }

  @Test
  void serverErrorFailsAfterExactlyOneRequest() {
    sns.stubFor(post("/").willReturn(errorXml(500, "Receiver", "InternalError")));

    PublishException e =
        catchThrowableOfType(PublishException.class, () -> publisher.publish(event("corr-42")));

    assertThat(e).hasMessageContaining("HTTP 500").hasMessageContaining("InternalError");
    assertThat(e.refused()).as("an outage is not a refusal of the event").isFalse();
    sns.verify(1, postRequestedFor(urlEqualTo("/")));
  }

  @Test
  void aMessageSnsRejectsAsInvalidIsARefusalOfTheEvent() {
    sns.stubFor(post("/").willReturn(errorXml(400, "Sender", "InvalidParameter")));

    PublishException e =
        catchThrowableOfType(PublishException.class, () -> publisher.publish(event("corr-42")));

    assertThat(e.refused()).isTrue();
    assertThat(e).hasMessageContaining("InvalidParameter");
  }

  @Test
  void authorizationErrorNamesTheCodeButNotTheSecretOrTheBody() {
    sns.stubFor(post("/").willReturn(errorXml(403, "Sender", "AuthorizationError")));

    PublishException e =
        catchThrowableOfType(PublishException.class, () -> publisher.publish(event("corr-42")));

    assertThat(e).hasMessageContaining("HTTP 403").hasMessageContaining("AuthorizationError");
    // Configuration, not the event: every event waits for it to be fixed, none is parked.
    assertThat(e.refused()).isFalse();
    assertThat(stackTrace(e)).doesNotContain(SECRET_ACCESS_KEY).doesNotContain(PAYLOAD);
    sns.verify(1, postRequestedFor(urlEqualTo("/")));
  }

  @Test
  void refusedConnectionFailsWithinTheRequestTimeout() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    long started = System.nanoTime();

    try (SnsEventPublisher unreachable =
        config("http://127.0.0.1:" + closedPort, Duration.seconds(5)).build()) {
      PublishException e =
          catchThrowableOfType(
              PublishException.class, () -> unreachable.publish(event("corr-42")));
      assertThat(e).hasMessageContaining("Connection refused");
    }

    assertThat(java.time.Duration.ofNanos(System.nanoTime() - started))
        .isLessThan(java.time.Duration.ofSeconds(5));
  }

  @Test
  void slowServerFailsAtTheRequestTimeout() {
    sns.stubFor(post("/").willReturn(okXml(publishResponse()).withFixedDelay(6_000)));

    try (SnsEventPublisher impatient =
        config("http://127.0.0.1:" + sns.port(), Duration.milliseconds(500)).build()) {
      // Timed from the call only (building the client is slow on a loaded machine), and the
      // bound is far from both sides: a timeout of 0.5 s, an answer that would take 6 s.
      long started = System.nanoTime();
      assertThat(
              catchThrowableOfType(
                  PublishException.class, () -> impatient.publish(event("corr-42"))))
          .isNotNull();
      assertThat(java.time.Duration.ofNanos(System.nanoTime() - started))
          .isLessThan(java.time.Duration.ofMillis(4_000));
    }
    sns.verify(1, postRequestedFor(urlEqualTo("/")));
  }

  private record Attribute(String dataType, String stringValue) {}

  private static SnsFactory config(String endpoint, Duration requestTimeout) {
    SnsFactory factory = new SnsFactory();
    factory.setTopicArn(TOPIC_ARN);
    factory.setRegion("us-east-1");
    factory.setEndpoint(endpoint);
    factory.setAccessKeyId(ACCESS_KEY_ID);
    factory.setSecretAccessKey(SECRET_ACCESS_KEY);
    factory.setConnectTimeout(Duration.seconds(1));
    factory.setRequestTimeout(requestTimeout);
    return factory;
  }

  private static OutboxEvent event(String correlationId) {
    return new OutboxEvent(
        7L,
        "evt-0001",
        "payment.initiated",
        "pay-0001",
        correlationId,
        PAYLOAD,
        Instant.parse("2025-01-01T00:00:00Z"),
        null,
        0,
        null,
        null,
        0);
  }

  private LoggedRequest onlyRequest() {
    List<LoggedRequest> requests = sns.findAll(postRequestedFor(urlEqualTo("/")));
    assertThat(requests).hasSize(1);
    return requests.get(0);
  }

  private static Map<String, String> decodeForm(String body) {
    return Arrays.stream(body.split("&"))
        .map(pair -> pair.split("=", 2))
        .collect(
            toMap(
                pair -> URLDecoder.decode(pair[0], UTF_8),
                pair -> URLDecoder.decode(pair[1], UTF_8)));
  }

  /** Reads {@code MessageAttributes.entry.N.*} back into name → attribute, whatever N is. */
  private static Map<String, Attribute> attributes(Map<String, String> form) {
    return form.keySet().stream()
        .filter(key -> key.matches("MessageAttributes\\.entry\\.\\d+\\.Name"))
        .map(key -> key.substring(0, key.length() - ".Name".length()))
        .collect(
            toMap(
                entry -> form.get(entry + ".Name"),
                entry ->
                    new Attribute(
                        form.get(entry + ".Value.DataType"),
                        form.get(entry + ".Value.StringValue"))));
  }

  private static String publishResponse() {
    return """
        <PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
          <PublishResult>
            <MessageId>94f20ce6-13c5-43a0-9a9e-ca52d816e90b</MessageId>
          </PublishResult>
          <ResponseMetadata>
            <RequestId>f187a3c1-376f-11df-8963-01868b7c937a</RequestId>
          </ResponseMetadata>
        </PublishResponse>
        """;
  }

  private static ResponseDefinitionBuilder errorXml(int status, String type, String code) {
    String body =
        """
        <ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
          <Error>
            <Type>%s</Type>
            <Code>%s</Code>
            <Message>Request failed: %s</Message>
          </Error>
          <RequestId>9a1b7c2e-0d8f-5e4a-b3c6-7f2e1d0a9b8c</RequestId>
        </ErrorResponse>
        """
            .formatted(type, code, code);
    return aResponse().withStatus(status).withHeader("Content-Type", "text/xml").withBody(body);
  }

  private static String stackTrace(Throwable e) {
    StringWriter out = new StringWriter();
    e.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
