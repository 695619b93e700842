package io.durapay.contracts;

import static io.durapay.contracts.PaymentStatus.CANCELLED;
import static io.durapay.contracts.PaymentStatus.COMPLETED;
import static io.durapay.contracts.PaymentStatus.FAILED;
import static io.durapay.contracts.PaymentStatus.INITIATED;
import static io.durapay.contracts.PaymentStatus.PROCESSING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JSON the records put on the wire and into workflow histories. The fixtures are the contract:
 * a renamed field, a changed wire name or a lost timestamp precision fails here before it reaches a
 * consumer or a replayed history.
 */
class ContractsJsonTest {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private static final DataConverter TEMPORAL = DefaultDataConverter.newDefaultInstance();

  private static final String PAYMENT_ID = "pay_01JDQ8ZK3M4N5P6Q7R8S9T0VWX";
  private static final String DECLINED_PAYMENT_ID = "pay_01JDQ9B2C3D4E5F6G7H8J9K0MN";
  private static final String MERCHANT_ID = "mer_01JDQ6T4W2Y8A1B3C5D7E9F0GH";
  private static final String CORRELATION_ID = "c0a8012e-5f3b-4d7a-9e21-6b4f8d2a1c93";
  private static final String CHARGE = "pi_3QJb7yLkdIwHu7ix0X4Z9aBc";
  private static final String DECLINED = "Your card was declined.";

  static Stream<Arguments> fixtures() {
    return Stream.of(
        arguments(
            "payment-request.json",
            new PaymentRequest(
                PAYMENT_ID, MERCHANT_ID, 4999, "EUR", CORRELATION_ID)),
        arguments(
            "payment-result-completed.json",
            new PaymentResult(PAYMENT_ID, COMPLETED, CHARGE, null, null, "completed")),
        arguments(
            "payment-result-failed.json",
            new PaymentResult(
                DECLINED_PAYMENT_ID, FAILED, null, "card_declined", DECLINED, "declined")),
        arguments(
            "payment-state.json",
            new PaymentState(
                PAYMENT_ID, COMPLETED, "notifying", false, true, CHARGE, null,
                "gateway answered 503", java.util.Map.of("charging", 3), "v1")),
        arguments(
            "cancel-request.json",
            new CancelRequest("Customer asked to cancel the order", MERCHANT_ID)),
        arguments(
            "status-change.json",
            new StatusChange(
                DECLINED_PAYMENT_ID,
                FAILED,
                "gateway declined the charge",
                "card_declined",
                DECLINED,
                null,
                "0193a7c2-5e1f-7d3b-9a4c-2f8e6d1b0a57")),
        arguments(
            "webhook-notification.json",
            new WebhookNotification(
                PAYMENT_ID,
                "evt_01JDQ8ZRWX4Y5Z6A7B8C9D0EFG",
                EventType.PAYMENT_COMPLETED,
                CORRELATION_ID)),
        arguments("charge-result.json", new ChargeResult(CHARGE, 4999, "EUR", 3)),
        arguments("refund-result.json", new RefundResult("re_3QJb7yLkdIwHu7ix0Q1W2eRt", true)),
        arguments("transition-result.json", new TransitionResult(true, PROCESSING)),
        arguments("webhook-result.json", new WebhookResult(true, 2, 200, "delivered")),
        arguments(
            "event-payment-initiated.json",
            new EventEnvelope(
                "evt_01JDQ8ZK3Q1R2S3T4V5W6X7Y8Z",
                EventType.PAYMENT_INITIATED,
                Instant.parse("2026-11-26T10:15:30.123Z"),
                CORRELATION_ID,
                new PaymentEventData(
                    PAYMENT_ID, MERCHANT_ID, 4999, "EUR", INITIATED, null, null, null))),
        arguments(
            "event-payment-completed.json",
            new EventEnvelope(
                "evt_01JDQ8ZRWX4Y5Z6A7B8C9D0EFG",
                EventType.PAYMENT_COMPLETED,
                Instant.parse("2026-11-26T10:15:32.481Z"),
                CORRELATION_ID,
                new PaymentEventData(
                    PAYMENT_ID, MERCHANT_ID, 4999, "EUR", COMPLETED, null, null, CHARGE))),
        arguments(
            "event-payment-failed.json",
            new EventEnvelope(
                "evt_01JDQ9B5N6P7Q8R9S0T1V2W3XY",
                EventType.PAYMENT_FAILED,
                Instant.parse("2026-11-26T10:17:04.907Z"),
                "7d2e4f60-1a3b-4c5d-8e9f-0a1b2c3d4e5f",
                new PaymentEventData(
                    DECLINED_PAYMENT_ID,
                    MERCHANT_ID,
                    12000,
                    "GBP",
                    FAILED,
                    "card_declined",
                    DECLINED,
                    null))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void fixtureReadsIntoTheExpectedRecord(String fixture, Object expected) throws IOException {
    Object read = MAPPER.readValue(fixture(fixture), expected.getClass());

    assertThat(read).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void recordWritesTheFixturesJson(String fixture, Object expected) throws IOException {
    String written = MAPPER.writeValueAsString(expected);

    assertThat(MAPPER.readTree(written)).isEqualTo(MAPPER.readTree(fixture(fixture)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void recordSurvivesTemporalsDataConverter(String fixture, Object expected) throws IOException {
    Payload payload = TEMPORAL.toPayload(expected).orElseThrow();

    Object decoded = TEMPORAL.fromPayload(payload, expected.getClass(), expected.getClass());

    assertThat(decoded).isEqualTo(expected);
    // Histories carry the same JSON as the wire, so committed histories read like the fixtures.
    JsonNode inHistory = MAPPER.readTree(payload.getData().toByteArray());
    assertThat(inHistory).isEqualTo(MAPPER.readTree(fixture(fixture)));
  }

  @Test
  void occurredAtIsIsoTextEvenForAMapperThatWritesDatesAsTimestamps() throws IOException {
    ObjectMapper timestamps = JsonMapper.builder().addModule(new JavaTimeModule()).build();
    EventEnvelope event =
        MAPPER.readValue(fixture("event-payment-initiated.json"), EventEnvelope.class);

    JsonNode written = timestamps.readTree(timestamps.writeValueAsString(event));

    assertThat(written.get("occurredAt").isTextual()).isTrue();
    assertThat(written.get("occurredAt").asText()).isEqualTo("2026-11-26T10:15:30.123Z");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"payment.refunded", "", "PAYMENT_COMPLETED", "completed", "Payment.Completed"})
  void unknownEventTypeIsRefusedNamingTheValue(String wireName) {
    String json =
        fixture("event-payment-initiated.json")
            .replace("\"payment.initiated\"", quoted(wireName));

    assertThatThrownBy(() -> MAPPER.readValue(json, EventEnvelope.class))
        .isInstanceOf(JsonMappingException.class)
        .hasRootCauseInstanceOf(IllegalArgumentException.class)
        .hasRootCauseMessage("unknown event type: " + wireName);
  }

  @ParameterizedTest
  @ValueSource(strings = {"settled", "", "INITIATED", "Initiated", "canceled"})
  void unknownStatusIsRefusedNamingTheValue(String wireName) {
    String json =
        fixture("event-payment-initiated.json").replace("\"initiated\"", quoted(wireName));

    assertThatThrownBy(() -> MAPPER.readValue(json, EventEnvelope.class))
        .isInstanceOf(JsonMappingException.class)
        .hasRootCauseInstanceOf(IllegalArgumentException.class)
        .hasRootCauseMessage("unknown payment status: " + wireName);
  }

  @ParameterizedTest
  @CsvSource({
    "PAYMENT_INITIATED, payment.initiated",
    "PAYMENT_COMPLETED, payment.completed",
    "PAYMENT_FAILED,    payment.failed",
    "PAYMENT_CANCELLED, payment.cancelled"
  })
  void eventTypeTravelsUnderItsWireName(EventType type, String wireName) throws IOException {
    assertThat(MAPPER.writeValueAsString(type)).isEqualTo(quoted(wireName));
    assertThat(MAPPER.readValue(quoted(wireName), EventType.class)).isEqualTo(type);
  }

  @ParameterizedTest
  @CsvSource({
    "INITIATED,  initiated",
    "PROCESSING, processing",
    "COMPLETED,  completed",
    "FAILED,     failed",
    "CANCELLED,  cancelled"
  })
  void statusTravelsUnderItsWireName(PaymentStatus status, String wireName) throws IOException {
    assertThat(MAPPER.writeValueAsString(status)).isEqualTo(quoted(wireName));
    assertThat(MAPPER.readValue(quoted(wireName), PaymentStatus.class)).isEqualTo(status);
  }

  @Test
  void onlyCompletedFailedAndCancelledAreFinal() {
    assertThat(Arrays.stream(PaymentStatus.values()).filter(PaymentStatus::isFinal))
        .containsExactlyInAnyOrder(COMPLETED, FAILED, CANCELLED);
  }

  @Test
  void transitionsOnlyMoveForward() {
    List<List<PaymentStatus>> allowed = new ArrayList<>();
    for (PaymentStatus to : PaymentStatus.values()) {
      for (PaymentStatus from : to.allowedPredecessors()) {
        allowed.add(List.of(from, to));
      }
    }

    assertThat(allowed)
        .containsExactlyInAnyOrder(
            List.of(INITIATED, PROCESSING),
            List.of(PROCESSING, COMPLETED),
            List.of(PROCESSING, FAILED),
            List.of(PROCESSING, CANCELLED),
            List.of(INITIATED, CANCELLED),
            List.of(INITIATED, FAILED));
  }

  @Test
  void workflowIdIsDerivedFromThePaymentId() {
    assertThat(WorkflowIds.forPayment("pay_1")).isEqualTo("payment-pay_1");
  }

  @Test
  void shippedNamesKeepTheirValues() {
    // Running workflows and routing depend on these strings; renaming one breaks replay or routing.
    assertThat(Patches.ADD_RISK_SCREENING).isEqualTo("add-risk-screening");
    assertThat(TaskQueues.PAYMENTS_V1).isEqualTo("payment-processing-v1");
    assertThat(TaskQueues.PAYMENTS_V2).isEqualTo("payment-processing-v2");
  }

  private static String fixture(String name) {
    try (InputStream in = ContractsJsonTest.class.getResourceAsStream("/fixtures/" + name)) {
      assertThat(in).as("fixture %s on the test classpath", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String quoted(String value) {
    return '"' + value + '"';
  }
}
