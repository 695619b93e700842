package io.durapay.api.outbox;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.dropwizard.util.Duration;
import io.durapay.api.testing.SnsAnswers;
import io.durapay.store.OutboxDao;
import io.durapay.store.testing.PostgresExtension;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The relay against real PostgreSQL and SNS's wire protocol (WireMock), through an outage. */
class OutboxRelayIT {
  private static final String INTERNAL_ERROR =
      "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>Receiver</Type>"
          + "<Code>InternalError</Code><Message>down</Message></Error><RequestId>r</RequestId>"
          + "</ErrorResponse>";

  @RegisterExtension
  @Order(0)
  static final WireMockExtension SNS =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().extensions(new SnsAnswers()))
          .build();

  @RegisterExtension
  @Order(1)
  static final PostgresExtension POSTGRES = new PostgresExtension();

  private SnsEventPublisher publisher;

  @BeforeEach
  void setUp() {
    POSTGRES.jdbi().useHandle(h -> h.execute("DELETE FROM outbox"));
    SNS.resetAll();
    SnsFactory sns = new SnsFactory();
    sns.setEndpoint(SNS.baseUrl());
    sns.setAccessKeyId("AKIATEST");
    sns.setSecretAccessKey("relay-test-secret");
    publisher = sns.build();
  }

  @AfterEach
  void tearDown() {
    publisher.close();
  }

  private OutboxRelay relay() {
    return relay(10);
  }

  private OutboxRelay relay(int maxAttempts) {
    return relay(maxAttempts, 10);
  }

  private OutboxRelay relay(int maxAttempts, int batchSize) {
    OutboxFactory settings = new OutboxFactory();
    settings.setMaxAttempts(maxAttempts);
    settings.setBatchSize(batchSize);
    settings.setPollInterval(Duration.milliseconds(20));
    settings.setInitialBackoff(Duration.milliseconds(20));
    settings.setMaxBackoff(Duration.milliseconds(200));
    return new OutboxRelay(POSTGRES.jdbi(), publisher, settings, new MetricRegistry());
  }

  private static void insertEvents(int count) {
    OutboxDao outbox = POSTGRES.jdbi().onDemand(OutboxDao.class);
    for (int i = 0; i < count; i++) {
      String eventId = "evt_" + i;
      outbox.insert(eventId, "payment.initiated", "pay_" + i, "corr-" + i,
          "{\"id\":\"" + eventId + "\",\"type\":\"payment.initiated\"}");
    }
  }

  /** An event whose message SNS refuses when stubbed with {@code SnsAnswers.acceptAllBut("poison")}. */
  private static void insertPoison(OutboxDao outbox) {
    outbox.insert("evt_poison", "payment.initiated", "pay_poison", "corr-poison",
        "{\"id\":\"evt_poison\",\"poison\":true}");
  }

  /** Event ids SNS accepted (in a Publish, or as an entry of a PublishBatch), with how many times each. */
  private static Map<String, Long> acceptedEventIds() {
    return SNS.getAllServeEvents().stream()
        .flatMap(served -> SnsAnswers.acceptedMessages(served).stream())
        .map(m -> m.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"))
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }

  @Test
  void afterAnOutageEveryEventIsPublishedExactlyOnce() throws Exception {
    SNS.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(500).withBody(INTERNAL_ERROR)));
    insertEvents(35);
    OutboxRelay relay = relay();
    relay.start();
    try {
      // SNS is down: the relay keeps trying, backing off, and loses nothing.
      await().atMost(java.time.Duration.ofSeconds(10))
          .until(() -> SNS.getAllServeEvents().size() >= 4);
      OutboxDao outbox = POSTGRES.jdbi().onDemand(OutboxDao.class);
      assertThat(outbox.countPending()).isEqualTo(35);

      SNS.resetMappings();
      SNS.stubFor(post(urlEqualTo("/")).willReturn(SnsAnswers.accept()));

      await().atMost(java.time.Duration.ofSeconds(15)).until(() -> outbox.countPending() == 0);
      Map<String, Long> accepted = acceptedEventIds();
      assertThat(accepted).hasSize(35);
      assertThat(accepted.values()).allMatch(times -> times == 1);
      List<Integer> attempts = POSTGRES.jdbi().withHandle(
          h -> h.select("SELECT attempts FROM outbox WHERE event_id = 'evt_0'").mapTo(Integer.class).list());
      assertThat(attempts.get(0)).isGreaterThan(1);
    } finally {
      relay.stop();
    }
  }

  @Test
  void aPassPublishesItsBatchInPublishBatchCallsOfTen() {
    SNS.stubFor(post(urlEqualTo("/")).willReturn(SnsAnswers.accept()));
    insertEvents(35);

    OutboxRelay.BatchResult result = relay(10, 50).relayOnce();

    assertThat(result.published()).isEqualTo(35);
    assertThat(result.failure()).isNull();
    assertThat(SNS.getAllServeEvents())
        .extracting(served -> SnsAnswers.action(served.getRequest().getBodyAsString()),
            served -> SnsAnswers.messages(served.getRequest().getBodyAsString()).size())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("PublishBatch", 10),
            org.assertj.core.groups.Tuple.tuple("PublishBatch", 10),
            org.assertj.core.groups.Tuple.tuple("PublishBatch", 10),
            org.assertj.core.groups.Tuple.tuple("PublishBatch", 5));
    assertThat(acceptedEventIds()).hasSize(35).allSatisfy((id, times) -> assertThat(times).isOne());
    assertThat(POSTGRES.jdbi().onDemand(OutboxDao.class).countPending()).isZero();
  }

  @Test
  void aPassThatMeetsAnOutageKeepsWhatWasNotAcceptedAndTriesNoFurther() {
    // The second PublishBatch call of the pass fails: SNS is down from then on.
    SNS.stubFor(post(urlEqualTo("/")).inScenario("outage").whenScenarioStateIs(
            com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
        .willReturn(SnsAnswers.accept()).willSetStateTo("down"));
    SNS.stubFor(post(urlEqualTo("/")).inScenario("outage").whenScenarioStateIs("down")
        .willReturn(aResponse().withStatus(500).withBody(INTERNAL_ERROR)));
    insertEvents(35);

    OutboxRelay.BatchResult result = relay(10, 50).relayOnce();

    assertThat(result.locked()).isEqualTo(35);
    assertThat(result.published()).isEqualTo(10);
    assertThat(result.failure()).hasMessageContaining("InternalError");
    assertThat(SNS.getAllServeEvents()).hasSize(2);
    OutboxDao outbox = POSTGRES.jdbi().onDemand(OutboxDao.class);
    assertThat(outbox.countPending()).isEqualTo(25);
    assertThat(outbox.countParked()).isZero();
    // The ten that met the outage were tried (and say why they wait); the last fifteen were not.
    List<Integer> attempts = POSTGRES.jdbi().withHandle(h -> h.select(
        "SELECT attempts FROM outbox WHERE published_at IS NULL ORDER BY id").mapTo(Integer.class).list());
    assertThat(attempts).containsOnly(0, 1);
    assertThat(attempts.stream().filter(a -> a == 1)).hasSize(10);
  }

  @Test
  void twoRelaysShareTheWorkWithoutPublishingAnythingTwice() throws Exception {
    SNS.stubFor(post(urlEqualTo("/")).willReturn(SnsAnswers.accept()));
    insertEvents(120);
    OutboxRelay first = relay();
    OutboxRelay second = relay();
    first.start();
    second.start();
    try {
      OutboxDao outbox = POSTGRES.jdbi().onDemand(OutboxDao.class);
      await().atMost(java.time.Duration.ofSeconds(20)).until(() -> outbox.countPending() == 0);

      Map<String, Long> accepted = acceptedEventIds();
      assertThat(accepted.keySet())
          .containsExactlyInAnyOrderElementsOf(
              IntStream.range(0, 120).mapToObj(i -> "evt_" + i).toList());
      assertThat(accepted.values()).allMatch(times -> times == 1);
    } finally {
      first.stop();
      second.stop();
    }
  }

  @Test
  void anEventTheDestinationKeepsRefusingDoesNotHoldBackTheOthers() throws Exception {
    // SNS refuses one message for good (say, over its size limit) and accepts the rest.
    SNS.stubFor(post(urlEqualTo("/")).willReturn(SnsAnswers.acceptAllBut("poison")));
    OutboxDao outbox = POSTGRES.jdbi().onDemand(OutboxDao.class);
    insertPoison(outbox);
    insertEvents(5);
    OutboxRelay relay = relay();
    relay.start();
    try {
      await().atMost(java.time.Duration.ofSeconds(15)).until(() -> outbox.countPending() == 1);

      assertThat(acceptedEventIds().keySet())
          .containsExactlyInAnyOrder("evt_0", "evt_1", "evt_2", "evt_3", "evt_4");
      assertThat(outbox.findByAggregateId("pay_poison").get(0).publishedAt()).isNull();
      assertThat(outbox.findByAggregateId("pay_poison").get(0).lastError()).contains("InvalidParameter");
    } finally {
      relay.stop();
    }
  }

  @Test
  void anEventTheDestinationKeepsRefusingIsParkedForAnOperatorWhoCanRequeueIt() throws Exception {
    SNS.stubFor(post(urlEqualTo("/")).willReturn(SnsAnswers.acceptAllBut("poison")));
    OutboxDao outbox = POSTGRES.jdbi().onDemand(OutboxDao.class);
    insertPoison(outbox);
    insertEvents(3);
    OutboxParkedHealthCheck health = new OutboxParkedHealthCheck(outbox);
    OutboxRelay relay = relay(3);
    relay.start();
    try {
      await().atMost(java.time.Duration.ofSeconds(15))
          .until(() -> outbox.countParked() == 1 && outbox.countPending() == 0);
      assertThat(poisonTries()).isEqualTo(3);
      assertThat(health.execute().isHealthy()).isFalse();
      assertThat(health.execute().getMessage()).contains("evt_poison", "InvalidParameter");

      // Parked means no longer tried: a later event goes through, the parked one stays put.
      outbox.insert("evt_late", "payment.initiated", "pay_late", "corr-late", "{\"id\":\"evt_late\"}");
      relay.wakeUp();
      await().atMost(java.time.Duration.ofSeconds(10)).until(() -> acceptedEventIds().containsKey("evt_late"));
      assertThat(poisonTries()).isEqualTo(3);
      assertThat(outbox.countParked()).isEqualTo(1);

      // The operator fixes the cause and re-queues it.
      SNS.resetMappings();
      SNS.stubFor(post(urlEqualTo("/")).willReturn(SnsAnswers.accept()));
      java.io.StringWriter output = new java.io.StringWriter();
      new RequeueParkedEventsTask(outbox, relay)
          .execute(Map.of(), new java.io.PrintWriter(output, true));

      assertThat(output.toString()).contains("requeued: 1");
      await().atMost(java.time.Duration.ofSeconds(10)).until(() -> outbox.countPending() == 0);
      assertThat(acceptedEventIds()).containsEntry("evt_poison", 1L);
      assertThat(outbox.countParked()).isZero();
      assertThat(health.execute().isHealthy()).isTrue();
    } finally {
      relay.stop();
    }
  }

  @Test
  void anOutageNeverParksAnEventHoweverLongItLasts() throws Exception {
    SNS.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(500).withBody(INTERNAL_ERROR)));
    insertEvents(1);
    OutboxRelay relay = relay(2);
    relay.start();
    try {
      await().atMost(java.time.Duration.ofSeconds(10))
          .until(() -> SNS.getAllServeEvents().size() >= 5);
      OutboxDao outbox = POSTGRES.jdbi().onDemand(OutboxDao.class);
      assertThat(outbox.countParked()).isZero();
      assertThat(outbox.countPending()).isEqualTo(1);
      assertThat(outbox.findByAggregateId("pay_0").get(0).attempts()).isGreaterThanOrEqualTo(5);
    } finally {
      relay.stop();
    }
  }

  @Test
  void oneRefusalAfterALongOutageDoesNotParkTheEvent() {
    SNS.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(500).withBody(INTERNAL_ERROR)));
    insertEvents(1);
    OutboxRelay relay = relay(2);
    OutboxDao outbox = POSTGRES.jdbi().onDemand(OutboxDao.class);
    for (int i = 0; i < 5; i++) {
      assertThat(relay.relayOnce().failure()).isNotNull();
    }
    // SNS is back, but now refuses this message as such.
    SNS.resetMappings();
    SNS.stubFor(post(urlEqualTo("/"))
        .willReturn(aResponse().withStatus(400).withBody(INTERNAL_ERROR.replace("InternalError", "InvalidParameter"))));

    relay.relayOnce();

    assertThat(outbox.countParked()).isZero();
    assertThat(outbox.countPending()).isEqualTo(1);
    assertThat(outbox.findByAggregateId("pay_0").get(0).lastError()).contains("InvalidParameter");

    relay.relayOnce();

    // The second refusal reaches the cap of 2: parked, whatever the outage cost before.
    assertThat(outbox.countParked()).isEqualTo(1);
    assertThat(outbox.countPending()).isZero();
    assertThat(SNS.getAllServeEvents()).extracting(e -> e.getResponse().getStatus())
        .containsExactlyInAnyOrder(500, 500, 500, 500, 500, 400, 400);
  }

  private static long poisonTries() {
    return SNS.getAllServeEvents().stream()
        .filter(e -> e.getRequest().getBodyAsString().contains("poison"))
        .count();
  }

  @Test
  void backoffDoublesUpToTheCap() {
    OutboxRelay relay = relay();

    assertThat(relay.backoff(1)).isEqualTo(java.time.Duration.ofMillis(20));
    assertThat(relay.backoff(2)).isEqualTo(java.time.Duration.ofMillis(40));
    assertThat(relay.backoff(4)).isEqualTo(java.time.Duration.ofMillis(160));
    assertThat(relay.backoff(5)).isEqualTo(java.time.Duration.ofMillis(200));
    assertThat(relay.backoff(500)).isEqualTo(java.time.Duration.ofMillis(200));
  }
}
