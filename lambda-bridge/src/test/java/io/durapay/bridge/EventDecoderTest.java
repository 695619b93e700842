package io.durapay.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durapay.contracts.EventEnvelope;
import io.durapay.contracts.EventType;
import io.durapay.contracts.PaymentEventData;
import io.durapay.contracts.PaymentStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventDecoderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RAW = fixture("messages/payment-initiated.json");
  private static final String SNS = fixture("messages/payment-initiated-sns.json");

  private final EventDecoder decoder = new EventDecoder();

  @Test
  void snsEnvelopedAndRawMessagesDecodeToTheSameEvent() throws Exception {
    EventEnvelope expected =
        new EventEnvelope(
            "evt_01JDQ8ZK3Q1R2S3T4V5W6X7Y8Z",
            EventType.PAYMENT_INITIATED,
            Instant.parse("2026-11-26T10:15:30.123Z"),
            "c0a8012e-5f3b-4d7a-9e21-6b4f8d2a1c93",
            new PaymentEventData(
                "pay_01JDQ8ZK3M4N5P6Q7R8S9T0VWX", "mer_01JDQ6T4W2Y8A1B3C5D7E9F0GH", 4999, "EUR",
                PaymentStatus.INITIATED, null, null, null));

    assertThat(decoder.decode(RAW)).isEqualTo(expected);
    assertThat(decoder.decode(SNS)).isEqualTo(expected);
  }

  @Test
  void fieldsAddedByANewerProducerAreIgnored() throws Exception {
    String newer =
        raw(e -> {
          e.put("schemaVersion", 2);
          ((ObjectNode) e.get("data")).put("riskScore", 12);
        });

    assertThat(decoder.decode(newer).data().paymentId())
        .isEqualTo("pay_01JDQ8ZK3M4N5P6Q7R8S9T0VWX");
  }

  static Stream<Arguments> rejects() {
    return Stream.of(
        arguments("an empty body", "", "body is empty"),
        arguments("not JSON", "payment initiated: pay_01JDQ8ZK3M", "body is not valid JSON"),
        arguments("a JSON array", "[" + RAW + "]", "body is a JSON array, not an object"),
        arguments("two JSON documents", RAW + RAW, "body is not valid JSON"),
        arguments(
            "an SNS envelope around someone else's message",
            sns("{\"orderId\":\"ord_1\",\"status\":\"shipped\"}"),
            "not a durapay event envelope"),
        arguments(
            "an SNS envelope around plain text", sns("hello"), "SNS Message is not valid JSON"),
        arguments(
            "an SNS subscription confirmation",
            SNS.replace("\"Notification\"", "\"SubscriptionConfirmation\""),
            "SNS message of Type 'SubscriptionConfirmation', not a Notification"),
        arguments(
            "another event type",
            raw(e -> e.put("type", "payment.completed")),
            "event type 'payment.completed' is not payment.initiated"),
        arguments(
            "no data.paymentId",
            raw(e -> ((ObjectNode) e.get("data")).remove("paymentId")),
            "missing or empty 'data.paymentId'"),
        arguments(
            "no data.merchantId",
            raw(e -> ((ObjectNode) e.get("data")).put("merchantId", " ")),
            "missing or empty 'data.merchantId'"),
        arguments(
            "no occurredAt", raw(e -> e.remove("occurredAt")), "missing or empty 'occurredAt'"),
        arguments(
            "amount 0",
            raw(e -> ((ObjectNode) e.get("data")).put("amount", 0)),
            "'data.amount' must be a positive integer"),
        arguments(
            // A fraction would otherwise be truncated to a different amount.
            "a fractional amount",
            raw(e -> ((ObjectNode) e.get("data")).put("amount", 49.99)),
            "'data.amount' must be a positive integer"),
        arguments(
            "an occurredAt that is not a time",
            raw(e -> e.put("occurredAt", "yesterday")),
            "invalid payment.initiated event"),
        arguments(
            "an S3 event notification",
            fixture("messages/s3-event-notification.json"),
            "not a durapay event envelope"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejects")
  void rejectsWithAReason(String what, String body, String reason) {
    RejectedMessageException rejected =
        catchThrowableOfType(RejectedMessageException.class, () -> decoder.decode(body));

    assertThat(rejected).as(what).isNotNull();
    assertThat(rejected.getMessage()).contains(reason);
  }

  @Test
  void aReasonQuotesOnlyTheStartOfASendersValue() {
    String body = raw(e -> e.put("type", "payment." + "x".repeat(5000)));

    RejectedMessageException rejected =
        catchThrowableOfType(RejectedMessageException.class, () -> decoder.decode(body));

    assertThat(rejected.getMessage()).startsWith("event type 'payment.xxx").hasSizeLessThan(120);
  }

  @ParameterizedTest
  @ValueSource(strings = {"4242424242424242 exp 12/29", "{\"card\": \"4242424242424242\", "})
  void aBrokenBodyIsNotEchoedBack(String body) {
    RejectedMessageException rejected =
        catchThrowableOfType(RejectedMessageException.class, () -> decoder.decode(body));

    assertThat(rejected.getMessage())
        .startsWith("body is not valid JSON (line 1")
        .doesNotContain("4242");
  }

  /** The raw fixture, changed. */
  private static String raw(Consumer<ObjectNode> change) {
    try {
      ObjectNode event = (ObjectNode) JSON.readTree(RAW);
      change.accept(event);
      return JSON.writeValueAsString(event);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The SNS fixture with another Message. */
  private static String sns(String message) {
    try {
      ObjectNode notification = (ObjectNode) JSON.readTree(SNS);
      notification.put("Message", message);
      return JSON.writeValueAsString(notification);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String fixture(String name) {
    try (InputStream in = EventDecoderTest.class.getClassLoader().getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("missing test fixture " + name, e);
    }
  }
}
