package io.durapay.worker.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.standardwebhooks.Webhook;
import io.durapay.contracts.EventType;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.WebhookNotification;
import io.durapay.store.Merchant;
import io.durapay.store.MerchantDao;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import io.durapay.store.WebhookDelivery;
import io.durapay.store.WebhookDeliveryDao;
import io.durapay.store.WebhookRedelivery;
import io.durapay.store.WebhookRedeliveryDao;
import io.durapay.store.testing.PostgresExtension;
import io.durapay.store.testing.TestMerchants;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An operator's re-delivery, carried out by the workers' sweep against a real HTTP endpoint
 * (WireMock) and the real database: the merchant gets the event's own webhook again (same {@code
 * webhook-id}, same bytes, a valid signature), each try is recorded after the event's earlier
 * attempts, a failure is tried again only once it is due, and a finished request sends nothing more.
 */
class WebhookRedeliveriesIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  @RegisterExtension
  static final WireMockExtension MERCHANT =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final AtomicInteger IDS = new AtomicInteger();
  private WebhookActivitiesImpl webhooks;
  private WebhookRedeliveryDao requests;
  private WebhookDeliveryDao deliveries;
  private Merchant merchant;
  private Payment payment;
  private String eventId;

  @BeforeEach
  void setUp() {
    webhooks = new WebhookActivitiesImpl(POSTGRES.jdbi(),
        new WebhookSender(new OkHttpClient(), new WebhookDestinationGuard(true, false), Clock.systemUTC()),
        new ObjectMapper().findAndRegisterModules());
    requests = POSTGRES.jdbi().onDemand(WebhookRedeliveryDao.class);
    deliveries = POSTGRES.jdbi().onDemand(WebhookDeliveryDao.class);
    merchant = TestMerchants.create(POSTGRES.jdbi());
    POSTGRES.jdbi().useExtension(MerchantDao.class,
        dao -> dao.updateWebhookUrl(merchant.id(), MERCHANT.baseUrl() + "/hooks"));
    String id = String.format("pay_rd%010d", IDS.incrementAndGet());
    payment = new Payment(id, merchant.id(), 4200, "EUR", "pm_card_visa", null, "{}",
        PaymentStatus.COMPLETED, null, null, "pi_" + id, "corr-" + id, null, null);
    POSTGRES.jdbi().useExtension(PaymentDao.class, dao -> dao.create(payment));
    eventId = "evt_" + id;
  }

  @Test
  void theMerchantGetsTheEventsOwnWebhookAgainOnceAndSigned() throws Exception {
    // The workflow's delivery gave up on a broken endpoint.
    answer(503);
    webhooks.attempt(notification(), 1, true);
    answer(204);

    assertThat(requests.request(eventId, payment.id(), "payment.completed", "alice")).isTrue();
    assertThat(requests.request(eventId, payment.id(), "payment.completed", "bob"))
        .as("a second request while the first is open adds none").isFalse();
    WebhookRedeliveries sweep = sweep(5);
    sweep.run();
    sweep.run();

    List<LoggedRequest> sent = MERCHANT.findAll(postRequestedFor(urlEqualTo("/hooks")));
    assertThat(sent).hasSize(2);
    assertThat(sent).extracting(r -> r.getHeader("webhook-id")).containsOnly(eventId);
    assertThat(sent.get(1).getBodyAsString()).isEqualTo(sent.get(0).getBodyAsString());
    LoggedRequest again = sent.get(1);
    HttpHeaders headers = HttpHeaders.of(Map.of(
        "webhook-id", List.of(again.getHeader("webhook-id")),
        "webhook-timestamp", List.of(again.getHeader("webhook-timestamp")),
        "webhook-signature", List.of(again.getHeader("webhook-signature"))), (a, b) -> true);
    new Webhook(merchant.webhookSecret()).verify(again.getBodyAsString(), headers);

    assertThat(deliveries.forEvent(eventId)).extracting(WebhookDelivery::attempt, WebhookDelivery::outcome)
        .containsExactly(tuple(1, "undeliverable"), tuple(2, "delivered"));
    assertThat(requests.forPayment(payment.id())).extracting(WebhookRedelivery::requestedBy,
            WebhookRedelivery::tries, WebhookRedelivery::outcome)
        .containsExactly(tuple("alice", 1, "delivered"));
    assertThat(requests.request(eventId, payment.id(), "payment.completed", "bob"))
        .as("once finished, the event may be re-delivered again").isTrue();
  }

  @Test
  void aFailureIsTriedAgainOnlyWhenDueAndEndsUndeliverableAfterItsTries() {
    answer(503);
    requests.request(eventId, payment.id(), "payment.completed", "alice");
    WebhookRedeliveries sweep = sweep(2);

    sweep.run();
    sweep.run(); // not due yet: nothing sent
    assertThat(MERCHANT.findAll(postRequestedFor(urlEqualTo("/hooks")))).hasSize(1);
    assertThat(requests.forPayment(payment.id()).get(0).finishedAt()).isNull();

    makeDue();
    sweep.run();
    sweep.run();

    assertThat(MERCHANT.findAll(postRequestedFor(urlEqualTo("/hooks")))).hasSize(2);
    assertThat(deliveries.forEvent(eventId)).extracting(WebhookDelivery::attempt, WebhookDelivery::outcome)
        .containsExactly(tuple(1, "retrying"), tuple(2, "undeliverable"));
    assertThat(requests.forPayment(payment.id())).extracting(WebhookRedelivery::tries, WebhookRedelivery::outcome)
        .containsExactly(tuple(2, "undeliverable"));
  }

  @Test
  void aRequestBeingSentIsNotTakenByASecondWorker() {
    requests.request(eventId, payment.id(), "payment.completed", "alice");

    assertThat(requests.takeDue(10, 60)).extracting(WebhookRedelivery::eventId).containsExactly(eventId);
    assertThat(requests.takeDue(10, 60)).as("leased to the first").isEmpty();
  }

  @Test
  void theWaitDoublesFromTenSecondsAndNeverPassesItsMaximumWhateverTheEndpointAsks() {
    WebhookRedeliveries sweep = sweep(5);

    assertThat(sweep.backoff(1, null)).isEqualTo(Duration.ofSeconds(10));
    assertThat(sweep.backoff(3, null)).isEqualTo(Duration.ofSeconds(40));
    assertThat(sweep.backoff(30, null)).isEqualTo(Duration.ofMinutes(10));
    assertThat(sweep.backoff(1, Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    assertThat(sweep.backoff(1, Duration.ofDays(3))).isEqualTo(Duration.ofMinutes(10));
  }

  private WebhookRedeliveries sweep(int tries) {
    return new WebhookRedeliveries(POSTGRES.jdbi(), webhooks, tries, Duration.ofMinutes(10), Duration.ofSeconds(60));
  }

  private WebhookNotification notification() {
    return new WebhookNotification(payment.id(), eventId, EventType.PAYMENT_COMPLETED, payment.correlationId());
  }

  /** From now on the endpoint answers {@code status} (the newest stub wins; the journal is kept). */
  private static void answer(int status) {
    MERCHANT.stubFor(post(urlEqualTo("/hooks")).willReturn(aResponse().withStatus(status)));
  }

  /** The time a retry waits for, passed: its next attempt moved to now. */
  private void makeDue() {
    POSTGRES.jdbi().useHandle(h -> h.execute(
        "UPDATE webhook_redeliveries SET next_attempt_at = now() WHERE event_id = ?", eventId));
  }
}
