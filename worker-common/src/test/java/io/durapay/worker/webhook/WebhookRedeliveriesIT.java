package io.durapay.worker.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
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
import java.time.Instant;
import java.time.ZoneId;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Webhooks sent again by the workers' sweep, against a real HTTP endpoint (WireMock) and the real
 * database, with a clock the test moves: an operator's re-delivery is the event's own webhook (same
 * {@code webhook-id}, same bytes, a valid signature), each try recorded after the event's earlier
 * attempts; what the workflow could not deliver goes on with the retry schedule for days and
 * reaches a merchant who was down for one, once.
 */
class WebhookRedeliveriesIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  @RegisterExtension
  static final WireMockExtension MERCHANT =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final AtomicInteger IDS = new AtomicInteger();
  private final TestClock clock = new TestClock();
  private final WebhookRetrySchedule schedule =
      new WebhookRetrySchedule(WebhookRetrySchedule.STANDARD, new SplittableRandom(7));
  private WebhookActivitiesImpl webhooks;
  private WebhookRedeliveryDao requests;
  private WebhookDeliveryDao deliveries;
  private Merchant merchant;
  private Payment payment;
  private String eventId;

  @BeforeEach
  void setUp() {
    webhooks = activities(schedule);
    requests = POSTGRES.jdbi().onDemand(WebhookRedeliveryDao.class);
    deliveries = POSTGRES.jdbi().onDemand(WebhookDeliveryDao.class);
    // Each test's sweeps see only its own requests, however far its clock runs.
    POSTGRES.jdbi().useHandle(h -> h.execute(
        "UPDATE webhook_redeliveries SET finished_at = now(), outcome = 'closed by a test' WHERE finished_at IS NULL"));
    merchant = TestMerchants.create(POSTGRES.jdbi());
    POSTGRES.jdbi().useExtension(MerchantDao.class,
        dao -> dao.updateWebhookUrl(merchant.id(), MERCHANT.baseUrl() + "/hooks"));
    payment = newPayment();
    eventId = "evt_" + payment.id();
  }

  @Test
  void theMerchantGetsTheEventsOwnWebhookAgainOnceAndSigned() throws Exception {
    // The workflow's delivery gave up on a broken endpoint.
    answer(503);
    webhooks.attempt(notification(payment, eventId), 1, WebhookActivitiesImpl.UNDELIVERABLE);
    answer(204);

    assertThat(requests.requestAt(eventId, payment.id(), "payment.completed", "alice", clock.instant())).isTrue();
    assertThat(requests.requestAt(eventId, payment.id(), "payment.completed", "bob", clock.instant()))
        .as("a second request while the first is open adds none").isFalse();
    WebhookRedeliveries sweep = sweep();
    sweep.run();
    sweep.run();

    List<LoggedRequest> sent = MERCHANT.findAll(postRequestedFor(urlEqualTo("/hooks")));
    assertThat(sent).hasSize(2);
    assertThat(sent).extracting(r -> r.getHeader("webhook-id")).containsOnly(eventId);
    assertThat(sent.get(1).getBodyAsString()).isEqualTo(sent.get(0).getBodyAsString());
    LoggedRequest again = sent.get(1);
    new Webhook(merchant.webhookSecret()).verify(again.getBodyAsString(), headersOf(again));

    assertThat(deliveries.forEvent(eventId)).extracting(WebhookDelivery::attempt, WebhookDelivery::outcome)
        .containsExactly(tuple(1, "undeliverable"), tuple(2, "delivered"));
    assertThat(requests.forPayment(payment.id())).extracting(WebhookRedelivery::requestedBy,
            WebhookRedelivery::tries, WebhookRedelivery::outcome)
        .containsExactly(tuple("alice", 1, "delivered"));
    assertThat(requests.requestAt(eventId, payment.id(), "payment.completed", "bob", clock.instant()))
        .as("once finished, the event may be re-delivered again").isTrue();
  }

  @Test
  void anOperatorsReDeliveryIsTriedAgainOnlyWhenDueAndEndsUndeliverableWhenTheScheduleIsSpent() {
    answer(503);
    requests.requestAt(eventId, payment.id(), "payment.completed", "alice", clock.instant());
    WebhookRetrySchedule oneWait = new WebhookRetrySchedule(List.of(Duration.ofMinutes(10)), new SplittableRandom(1));
    WebhookRedeliveries sweep = new WebhookRedeliveries(POSTGRES.jdbi(), webhooks, oneWait, Duration.ofSeconds(60), clock);

    sweep.run();
    clock.advance(Duration.ofMinutes(8)); // less than the wait, jitter included
    sweep.run();
    assertThat(MERCHANT.findAll(postRequestedFor(urlEqualTo("/hooks")))).as("not due yet").hasSize(1);
    assertThat(requests.forPayment(payment.id()).get(0).finishedAt()).isNull();

    clock.advance(Duration.ofMinutes(4));
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
    requests.requestAt(eventId, payment.id(), "payment.completed", "alice", clock.instant());
    Instant now = clock.instant();

    assertThat(requests.takeDue(10, now, now.plusSeconds(60))).extracting(WebhookRedelivery::eventId)
        .containsExactly(eventId);
    assertThat(requests.takeDue(10, now.plusSeconds(59), now.plusSeconds(120))).as("leased to the first").isEmpty();
    List<WebhookRedelivery> retaken = requests.takeDue(10, now.plusSeconds(60), now.plusSeconds(120));
    assertThat(retaken).as("the first died: its lease ran out").extracting(WebhookRedelivery::eventId)
        .containsExactly(eventId);
    assertThat(requests.finish(retaken.get(0).id(), retaken.get(0).tries() - 1, "delivered"))
        .as("the first take, come back late, records nothing").isFalse();
    assertThat(requests.retryAt(retaken.get(0).id(), retaken.get(0).tries() - 1, now)).isFalse();
    assertThat(requests.finish(retaken.get(0).id(), retaken.get(0).tries(), "delivered")).isTrue();
    assertThat(requests.forPayment(payment.id())).extracting(WebhookRedelivery::outcome).containsExactly("delivered");
  }

  @Test
  void anEndpointDownForADayReceivesEveryEventOnceItIsBack() {
    List<Payment> paid = IntStream.range(0, 3).mapToObj(i -> newPayment()).toList();
    answer(503);
    for (Payment p : paid) {
      // The workflow's attempts: the first failure hands the event over, the last is deferred.
      WebhookActivitiesImpl.Delivery first = webhooks.deliver(notification(p, "evt_" + p.id()), 1, false);
      WebhookActivitiesImpl.Delivery last = webhooks.deliver(notification(p, "evt_" + p.id()), 8, true);
      assertThat(first.again()).isTrue();
      assertThat(last.again()).isFalse();
      assertThat(last.result().outcome()).isEqualTo("deferred");
    }
    WebhookRedeliveries sweep = sweep();

    Instant back = clock.instant().plus(Duration.ofDays(1));
    while (clock.instant().isBefore(back)) {
      clock.advance(Duration.ofMinutes(10));
      sweep.run();
    }
    // Tries after 30 min, 2.5 h, 7.5 h and 17.5 h (each wait ±10 %); the next is past the day.
    for (Payment p : paid) {
      assertThat(deliveries.forEvent("evt_" + p.id())).extracting(WebhookDelivery::outcome)
          .containsExactly("retrying", "deferred", "retrying", "retrying", "retrying", "retrying");
    }
    answer(204);
    MERCHANT.resetRequests();
    Instant end = clock.instant().plus(Duration.ofDays(3));
    while (clock.instant().isBefore(end)) {
      clock.advance(Duration.ofMinutes(10));
      sweep.run();
    }

    List<LoggedRequest> received = MERCHANT.findAll(postRequestedFor(urlEqualTo("/hooks")));
    assertThat(received).extracting(r -> r.getHeader("webhook-id"))
        .containsExactlyInAnyOrderElementsOf(paid.stream().map(p -> "evt_" + p.id()).toList());
    for (Payment p : paid) {
      assertThat(requests.forPayment(p.id())).extracting(WebhookRedelivery::requestedBy,
              WebhookRedelivery::tries, WebhookRedelivery::outcome)
          .containsExactly(tuple(WebhookRedeliveryDao.RETRY_SCHEDULE, 5, "delivered"));
    }
  }

  @Test
  void afterA410TheMerchantTurnsWebhooksBackOnAndReceivesEveryMissedEventOnceUnderItsId() {
    Payment later = newPayment();
    String laterEvent = "evt_" + later.id();
    MERCHANT.stubFor(post(urlEqualTo("/hooks")).willReturn(aResponse().withStatus(410)));
    assertThat(webhooks.deliver(notification(payment, eventId), 1, false).result().outcome()).isEqualTo("gone");
    assertThat(webhooks.deliver(notification(later, laterEvent), 1, false).result().outcome())
        .as("deliveries are off").isEqualTo("skipped");
    assertThat(MERCHANT.findAll(postRequestedFor(urlEqualTo("/hooks")))).hasSize(1);
    answer(204);
    MERCHANT.resetRequests();

    // What POST /v1/webhook_endpoint/enable does.
    POSTGRES.jdbi().onDemand(MerchantDao.class).enableWebhooks(merchant.id());
    int queued = requests.requestUndelivered(merchant.id(), clock.instant().minus(Duration.ofDays(30)), "merchant",
        clock.instant());
    sweep().run();
    sweep().run();

    assertThat(queued).isEqualTo(2);
    assertThat(MERCHANT.findAll(postRequestedFor(urlEqualTo("/hooks")))).extracting(r -> r.getHeader("webhook-id"))
        .containsExactlyInAnyOrder(eventId, laterEvent);
    assertThat(deliveries.forEvent(laterEvent)).extracting(WebhookDelivery::outcome)
        .containsExactly("skipped", "delivered");
  }

  @Test
  void aMerchantBackBeforeTheNextRetryTurnsDeliveriesOnAndGetsEveryWaitingEventAtOnceButNotOneBeingSent() {
    List<Payment> paid = IntStream.range(0, 3).mapToObj(i -> newPayment()).toList();
    answer(503);
    paid.forEach(p -> webhooks.deliver(notification(p, "evt_" + p.id()), 1, false));
    clock.advance(Duration.ofMinutes(35));
    sweep().run(); // each event's first scheduled try fails: the next waits about two hours
    answer(204);
    MERCHANT.resetRequests();
    // Meanwhile one of them is in a worker's hands (a take far ahead of the test's clock).
    WebhookRedelivery beingSent = requests.takeDue(1, clock.instant().plus(Duration.ofDays(1)),
        clock.instant().plusSeconds(60)).get(0);

    // What POST /v1/webhook_endpoint/enable does.
    Instant since = clock.instant().minus(Duration.ofDays(30));
    int queued = requests.requestUndelivered(merchant.id(), since, "merchant", clock.instant());
    int broughtForward = requests.bringForwardUndelivered(merchant.id(), since, clock.instant());
    sweep().run();

    assertThat(queued).as("each has a request open already").isZero();
    assertThat(broughtForward).isEqualTo(2);
    List<String> waiting = paid.stream().map(p -> "evt_" + p.id())
        .filter(id -> !id.equals(beingSent.eventId())).toList();
    assertThat(MERCHANT.findAll(postRequestedFor(urlEqualTo("/hooks")))).extracting(r -> r.getHeader("webhook-id"))
        .containsExactlyInAnyOrderElementsOf(waiting);
    assertThat(requests.forPayment(beingSent.paymentId())).extracting(WebhookRedelivery::nextAttemptAt,
            WebhookRedelivery::finishedAt)
        .as("the one being sent keeps its lease").containsExactly(tuple(beingSent.nextAttemptAt(), null));
    assertThat(requests.bringForwardUndelivered(merchant.id(), since, clock.instant()))
        .as("asked again, nothing is waiting").isZero();
  }

  /** Workers of an older build take requests without the waiting flag: theirs are never brought forward. */
  @Test
  void aRequestAnOlderBuildsWorkerHoldsIsNotBroughtForward() {
    requests.requestAt(eventId, payment.id(), "payment.completed", "alice", clock.instant());
    // That build's take, as its statement was: the try counted, the lease as the next attempt.
    POSTGRES.jdbi().useHandle(h -> h.createUpdate(
            "UPDATE webhook_redeliveries SET tries = tries + 1, next_attempt_at = :lease WHERE event_id = :id")
        .bind("lease", clock.instant().plusSeconds(60)).bind("id", eventId).execute());

    assertThat(requests.bringForward(eventId, clock.instant())).isFalse();
    assertThat(requests.bringForwardUndelivered(merchant.id(), clock.instant().minus(Duration.ofDays(30)),
        clock.instant())).isZero();
  }

  @Test
  void duringASecretRotationAVerifierWithOnlyTheOldAndOneWithOnlyTheNewSecretBothAcceptEveryDelivery()
      throws Exception {
    answer(204);
    String oldSecret = merchant.webhookSecret();
    String newSecret = "whsec_" + Base64.getEncoder().encodeToString("a new key, 32 bytes long, really".getBytes());
    MerchantDao merchants = POSTGRES.jdbi().onDemand(MerchantDao.class);
    assertThat(merchants.rotateWebhookSecretWithOverlap(merchant.id(), newSecret, clock.instant(),
        clock.instant().plus(Duration.ofHours(24)))).isTrue();
    assertThat(merchants.rotateWebhookSecretWithOverlap(merchant.id(), "whsec_b3RoZXI=", clock.instant(),
        clock.instant().plus(Duration.ofHours(24)))).as("one rotation at a time").isFalse();

    webhooks.deliver(notification(payment, eventId), 1, false);
    clock.advance(Duration.ofHours(23));
    Payment later = newPayment();
    webhooks.deliver(notification(later, "evt_" + later.id()), 1, false);
    clock.advance(Duration.ofHours(2));
    Payment afterTheOverlap = newPayment();
    webhooks.deliver(notification(afterTheOverlap, "evt_" + afterTheOverlap.id()), 1, false);

    List<LoggedRequest> sent = MERCHANT.findAll(postRequestedFor(urlEqualTo("/hooks")));
    assertThat(sent).hasSize(3);
    for (LoggedRequest during : sent.subList(0, 2)) {
      assertThat(during.getHeader("webhook-signature")).matches("v1,\\S+ v1,\\S+");
      new Webhook(oldSecret).verify(during.getBodyAsString(), headersOf(during));
      new Webhook(newSecret).verify(during.getBodyAsString(), headersOf(during));
    }
    LoggedRequest after = sent.get(2);
    assertThat(after.getHeader("webhook-signature")).doesNotContain(" ");
    new Webhook(newSecret).verify(after.getBodyAsString(), headersOf(after));
    assertThatThrownBy(() -> new Webhook(oldSecret).verify(after.getBodyAsString(), headersOf(after)))
        .as("the old secret signs no more").isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void aWebhookTheWorkflowDeliversAfterAllIsNotSentAgain() {
    answer(503);
    webhooks.deliver(notification(payment, eventId), 1, false);
    answer(204);
    webhooks.deliver(notification(payment, eventId), 2, false);
    MERCHANT.resetRequests();

    clock.advance(Duration.ofHours(1));
    sweep().run();

    assertThat(MERCHANT.findAll(postRequestedFor(urlEqualTo("/hooks")))).isEmpty();
    assertThat(requests.forPayment(payment.id())).extracting(WebhookRedelivery::outcome).containsExactly("delivered");
    assertThat(deliveries.forEvent(eventId)).extracting(WebhookDelivery::outcome)
        .containsExactly("retrying", "delivered");
  }

  @Test
  void withoutAScheduleTheWorkflowsLastFailedAttemptEndsTheWebhook() {
    WebhookActivitiesImpl unscheduled = activities(WebhookRetrySchedule.none());
    answer(503);

    unscheduled.deliver(notification(payment, eventId), 1, false);
    WebhookActivitiesImpl.Delivery last = unscheduled.deliver(notification(payment, eventId), 2, true);

    assertThat(last.result().outcome()).isEqualTo("undeliverable");
    assertThat(requests.forPayment(payment.id())).isEmpty();
  }

  private static HttpHeaders headersOf(LoggedRequest request) {
    return HttpHeaders.of(Map.of(
        "webhook-id", List.of(request.getHeader("webhook-id")),
        "webhook-timestamp", List.of(request.getHeader("webhook-timestamp")),
        "webhook-signature", List.of(request.getHeader("webhook-signature"))), (a, b) -> true);
  }

  /** The real activity, sending to loopback (WireMock), on this test's clock. */
  private WebhookActivitiesImpl activities(WebhookRetrySchedule retries) {
    return new WebhookActivitiesImpl(POSTGRES.jdbi(),
        new WebhookSender(new OkHttpClient(), new WebhookDestinationGuard(true, false), Clock.systemUTC()),
        new ObjectMapper().findAndRegisterModules(), retries, clock);
  }

  private WebhookRedeliveries sweep() {
    return new WebhookRedeliveries(POSTGRES.jdbi(), webhooks, schedule, Duration.ofSeconds(60), clock);
  }

  private Payment newPayment() {
    String id = String.format("pay_rd%010d", IDS.incrementAndGet());
    Payment created = new Payment(id, merchant.id(), 4200, "EUR", "pm_card_visa", null, "{}",
        PaymentStatus.COMPLETED, null, null, "pi_" + id, "corr-" + id, null, null);
    POSTGRES.jdbi().useExtension(PaymentDao.class, dao -> dao.create(created));
    return created;
  }

  private static WebhookNotification notification(Payment payment, String eventId) {
    return new WebhookNotification(payment.id(), eventId, EventType.PAYMENT_COMPLETED, payment.correlationId());
  }

  /** From now on the endpoint answers {@code status} (the newest stub wins; the journal is kept). */
  private static void answer(int status) {
    MERCHANT.stubFor(post(urlEqualTo("/hooks")).willReturn(aResponse().withStatus(status)));
  }

  /** A clock that stands still until the test moves it. */
  private static final class TestClock extends Clock {
    private Instant now = Instant.now();

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
