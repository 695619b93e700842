package io.durapay.devstack.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.standardwebhooks.Webhook;
import io.durapay.contracts.EventEnvelope;
import io.durapay.contracts.EventType;
import io.durapay.contracts.PaymentEventData;
import io.durapay.contracts.PaymentStatus;
import io.durapay.worker.webhook.WebhookAttempt;
import io.durapay.worker.webhook.WebhookAttempt.Outcome;
import io.durapay.worker.webhook.WebhookDestinationGuard;
import io.durapay.worker.webhook.WebhookFactory;
import io.durapay.worker.webhook.WebhookSender;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sends with the workers' own WebhookSender, so the receiver checks what production signs. */
class WebhookReceiverTest {

  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String OTHER_SECRET = "whsec_c2VjcmV0IG9mIGFub3RoZXIgbWVyY2hhbnQ=";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

  private final WebhookReceiver receiver = new WebhookReceiver(0);
  private WebhookSender sender;

  @BeforeEach
  void start() {
    receiver.start();
    receiver.register("/hooks/demo", SECRET);
    receiver.registerDown("/hooks/down");
    WebhookFactory factory = new WebhookFactory();
    // The receiver listens on loopback, which the sender refuses unless told otherwise.
    factory.setAllowLoopback(true);
    sender = factory.build();
  }

  @AfterEach
  void stop() {
    receiver.stop();
  }

  @Test
  void aSignedEventIsAcceptedAndRecordedAsVerified() throws Exception {
    WebhookAttempt attempt =
        sender.send(receiver.url("/hooks/demo"), SECRET, "evt_1", event("evt_1", "pay_1"));

    assertThat(attempt.outcome()).isEqualTo(Outcome.DELIVERED);
    assertThat(attempt.statusCode()).isEqualTo(204);
    assertThat(receiver.deliveries())
        .singleElement()
        .satisfies(
            delivery -> {
              assertThat(delivery.path()).isEqualTo("/hooks/demo");
              assertThat(delivery.webhookId()).isEqualTo("evt_1");
              assertThat(delivery.eventType()).isEqualTo("payment.completed");
              assertThat(delivery.paymentId()).isEqualTo("pay_1");
              assertThat(delivery.verified()).isTrue();
              assertThat(delivery.duplicate()).isFalse();
              assertThat(delivery.status()).isEqualTo(204);
              assertThat(delivery.problem()).isNull();
              assertThat(delivery.receivedAt()).isNotNull();
            });
  }

  @Test
  void anEventSignedWithAnotherSecretIsRejectedButRecorded() throws Exception {
    WebhookAttempt attempt =
        sender.send(receiver.url("/hooks/demo"), OTHER_SECRET, "evt_1", event("evt_1", "pay_1"));

    assertThat(attempt.statusCode()).isEqualTo(400);
    assertThat(receiver.deliveriesFor("pay_1"))
        .singleElement()
        .satisfies(
            delivery -> {
              assertThat(delivery.verified()).isFalse();
              assertThat(delivery.status()).isEqualTo(400);
              assertThat(delivery.problem()).contains("signature");
            });
  }

  @Test
  void anEventSignedMoreThanFiveMinutesAgoIsRejected() throws Exception {
    Clock sixMinutesAgo = Clock.fixed(Instant.now().minus(Duration.ofMinutes(6)), ZoneOffset.UTC);
    WebhookSender late =
        new WebhookSender(
            new OkHttpClient(), new WebhookDestinationGuard(true, false), sixMinutesAgo);

    WebhookAttempt attempt =
        late.send(receiver.url("/hooks/demo"), SECRET, "evt_1", event("evt_1", "pay_1"));

    assertThat(attempt.statusCode()).isEqualTo(400);
    assertThat(receiver.deliveries().get(0).problem()).isEqualTo("Message timestamp too old");
  }

  @Test
  void anyOfSeveralSignaturesMayMatchAsTheStandardAllows() throws Exception {
    // Signed by the Standard Webhooks reference library, beside a signature from a rotated-out key.
    String body = event("evt_1", "pay_1");
    long now = Instant.now().getEpochSecond();
    String signatures =
        new Webhook(OTHER_SECRET).sign("evt_1", now, body)
            + " "
            + new Webhook(SECRET).sign("evt_1", now, body);

    HttpResponse<String> response =
        post("/hooks/demo", body, "evt_1", Long.toString(now), signatures);

    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(receiver.deliveries()).singleElement().extracting("verified").isEqualTo(true);
  }

  @Test
  void anEndpointThatIsDownAnswers503AndRecordsTheAttempt() throws Exception {
    WebhookAttempt attempt =
        sender.send(receiver.url("/hooks/down"), SECRET, "evt_1", event("evt_1", "pay_1"));

    assertThat(attempt.outcome()).isEqualTo(Outcome.RETRYABLE);
    assertThat(attempt.statusCode()).isEqualTo(503);
    assertThat(receiver.deliveriesFor("pay_1"))
        .singleElement()
        .satisfies(
            delivery -> {
              assertThat(delivery.status()).isEqualTo(503);
              assertThat(delivery.verified()).isFalse();
            });
  }

  @Test
  void theSameWebhookIdTwiceIsRecordedTwiceAndFlaggedDuplicate() throws Exception {
    String body = event("evt_1", "pay_1");

    WebhookAttempt first = sender.send(receiver.url("/hooks/demo"), SECRET, "evt_1", body);
    WebhookAttempt second = sender.send(receiver.url("/hooks/demo"), SECRET, "evt_1", body);

    // A merchant acknowledges a duplicate too; otherwise the sender would keep retrying it.
    assertThat(first.statusCode()).isEqualTo(204);
    assertThat(second.statusCode()).isEqualTo(204);
    assertThat(receiver.deliveries())
        .extracting(WebhookDelivery::duplicate)
        .containsExactly(false, true);
  }

  @Test
  void deliveriesAreListedAsJsonAndFilteredByPayment() throws Exception {
    sender.send(receiver.url("/hooks/demo"), SECRET, "evt_1", event("evt_1", "pay_1"));
    sender.send(receiver.url("/hooks/demo"), SECRET, "evt_2", event("evt_2", "pay_2"));

    JsonNode all = JSON.readTree(get("/deliveries").body());
    HttpResponse<String> filtered = get("/deliveries?paymentId=pay_2");
    JsonNode forPay2 = JSON.readTree(filtered.body());

    assertThat(all).extracting(d -> d.get("webhookId").asText()).containsExactly("evt_1", "evt_2");
    assertThat(filtered.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(forPay2).hasSize(1);
    JsonNode delivery = forPay2.get(0);
    assertThat(delivery.get("path").asText()).isEqualTo("/hooks/demo");
    assertThat(delivery.get("webhookId").asText()).isEqualTo("evt_2");
    assertThat(delivery.get("eventType").asText()).isEqualTo("payment.completed");
    assertThat(delivery.get("paymentId").asText()).isEqualTo("pay_2");
    assertThat(delivery.get("verified").asBoolean()).isTrue();
    assertThat(Instant.parse(delivery.get("receivedAt").asText())).isBeforeOrEqualTo(Instant.now());
  }

  @Test
  void anUnregisteredPathIsNotFoundAndNotRecorded() throws Exception {
    WebhookAttempt attempt =
        sender.send(receiver.url("/hooks/nobody"), SECRET, "evt_1", event("evt_1", "pay_1"));

    assertThat(attempt.statusCode()).isEqualTo(404);
    assertThat(receiver.deliveries()).isEmpty();
  }

  @Test
  void aMalformedSecretIsRefusedWhenRegistered() {
    assertThatThrownBy(() -> receiver.register("/hooks/bad", "not-a-whsec-secret"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** The event as the payment activity writes it: the contracts' envelope, serialised. */
  private static String event(String eventId, String paymentId) throws Exception {
    return JSON.writeValueAsString(
        new EventEnvelope(
            eventId,
            EventType.PAYMENT_COMPLETED,
            Instant.now(),
            "corr_1",
            new PaymentEventData(
                paymentId, "mer_1", 1999, "EUR", PaymentStatus.COMPLETED, null, null, "pi_1")));
  }

  private HttpResponse<String> post(
      String path, String body, String id, String timestamp, String signatures) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(receiver.url(path)))
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp)
            .header("webhook-signature", signatures)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(receiver.url(path))).GET().build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
