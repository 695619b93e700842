package io.durapay.worker.v1;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.PaymentWorkflow;
import io.durapay.contracts.WorkflowIds;
import io.durapay.store.Merchant;
import io.durapay.store.MerchantDao;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import io.durapay.store.testing.PostgresExtension;
import io.durapay.store.testing.TemporalServer;
import io.durapay.worker.WorkerConfiguration;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.ActivityTaskStartedEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker told to stop while a charge is in flight stops polling but lets the charge finish and
 * report its result, so the next worker carries on from there without charging again. A charge
 * that outlives the grace period is handed back to the server as a failed attempt, so the next
 * worker retries it after the retry interval rather than after the charge's start-to-close.
 */
class GracefulShutdownIT {
  private static final String TASK_QUEUE = "graceful-shutdown-it";

  @RegisterExtension
  @Order(0)
  static final WireMockExtension GATEWAY =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @RegisterExtension
  @Order(1)
  static final PostgresExtension POSTGRES = new PostgresExtension();

  @RegisterExtension
  @Order(2)
  static final TemporalServer TEMPORAL = new TemporalServer();

  private static DropwizardTestSupport<WorkerConfiguration> worker() {
    return worker("10s", "5s", "6s");
  }

  private static DropwizardTestSupport<WorkerConfiguration> worker(
      String gracePeriod, String readTimeout, String callTimeout) {
    return new DropwizardTestSupport<>(
        WorkerV1.class,
        ResourceHelpers.resourceFilePath("worker-test-config.yml"),
        ConfigOverride.config("database.url", POSTGRES.jdbcUrl()),
        ConfigOverride.config("database.user", POSTGRES.user()),
        ConfigOverride.config("database.password", POSTGRES.password()),
        ConfigOverride.config("temporal.target", TEMPORAL.target()),
        ConfigOverride.config("temporal.taskQueue", TASK_QUEUE),
        ConfigOverride.config("temporal.shutdownGracePeriod", gracePeriod),
        ConfigOverride.config("gateway.baseUrl", GATEWAY.baseUrl()),
        ConfigOverride.config("gateway.readTimeout", readTimeout),
        ConfigOverride.config("gateway.callTimeout", callTimeout));
  }

  private static final String CONFIRM = "/v1/payment_intents/pi_slow/confirm";

  @Test
  void anInFlightChargeFinishesWhenTheWorkerStops() throws Exception {
    GATEWAY.stubFor(post(urlEqualTo("/v1/payment_intents"))
        .willReturn(okJson("{\"id\":\"pi_slow\",\"object\":\"payment_intent\",\"status\":\"requires_confirmation\","
            + "\"amount\":900,\"currency\":\"eur\"}")));
    GATEWAY.stubFor(post(urlEqualTo(CONFIRM))
        .willReturn(okJson("{\"id\":\"pi_slow\",\"object\":\"payment_intent\",\"status\":\"succeeded\","
            + "\"amount\":900,\"currency\":\"eur\"}").withFixedDelay(2000)));
    Merchant merchant = new Merchant("mer_shutdown", "Shutdown shop", "keyid_shutdown", new byte[32],
        null, "whsec_c2h1dGRvd24=", null, null, null, null);
    POSTGRES.jdbi().onDemand(MerchantDao.class).insert(merchant);
    Payment payment = new Payment("pay_SHUTDOWN0000000000000000001", merchant.id(), 900, "EUR",
        "pm_card_slow", null, "{}", PaymentStatus.INITIATED, null, null, null, "corr-shutdown", null, null);
    PaymentDao payments = POSTGRES.jdbi().onDemand(PaymentDao.class);
    payments.create(payment);

    DropwizardTestSupport<WorkerConfiguration> first = worker();
    first.before();
    PaymentWorkflow workflow = TEMPORAL.client().newWorkflowStub(PaymentWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(WorkflowIds.forPayment(payment.id()))
            .setTaskQueue(TASK_QUEUE).build());
    WorkflowClient.start(workflow::process,
        new PaymentRequest(payment.id(), merchant.id(), 900, "EUR", "corr-shutdown"));
    await().atMost(Duration.ofSeconds(20)).until(() ->
        !GATEWAY.findAll(postRequestedFor(urlEqualTo(CONFIRM))).isEmpty());

    // SIGTERM runs the same lifecycle: stop polling, let the in-flight charge finish.
    first.after();

    boolean chargeRecorded = TEMPORAL.client().fetchHistory(WorkflowIds.forPayment(payment.id()))
        .getEvents().stream()
        .anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
            && e.getActivityTaskCompletedEventAttributes().getResult().toString().contains("pi_slow"));
    assertThat(chargeRecorded).as("the charge's result reached Temporal before the worker stopped").isTrue();
    assertThat(GATEWAY.findAll(postRequestedFor(urlEqualTo(CONFIRM)))).hasSize(1);
  }

  @Test
  void aChargeThatOutlivesTheGracePeriodIsHandedBackAndTheNextWorkerFindsItCharged() throws Exception {
    String confirm = "/v1/payment_intents/pi_handback/confirm";
    String intent = "{\"id\":\"pi_handback\",\"object\":\"payment_intent\",\"amount\":900,\"currency\":\"eur\",";
    GATEWAY.stubFor(post(urlEqualTo("/v1/payment_intents"))
        .willReturn(okJson(intent + "\"status\":\"requires_confirmation\"}")));
    // The confirm charges, but its answer comes after the stopping worker's grace and its forced
    // stop: only a report of the worker's own can end that attempt before its start-to-close.
    GATEWAY.stubFor(post(urlEqualTo(confirm))
        .willReturn(okJson(intent + "\"status\":\"succeeded\"}").withFixedDelay(9000)));
    GATEWAY.stubFor(get(urlEqualTo("/v1/payment_intents/pi_handback"))
        .willReturn(okJson(intent + "\"status\":\"succeeded\"}")));
    Merchant merchant = new Merchant("mer_handback", "Handback shop", "keyid_handback", new byte[32],
        null, "whsec_aGFuZGJhY2s=", null, null, null, null);
    POSTGRES.jdbi().onDemand(MerchantDao.class).insert(merchant);
    Payment payment = new Payment("pay_HANDBACK000000000000000001", merchant.id(), 900, "EUR",
        "pm_card_slow", null, "{}", PaymentStatus.INITIATED, null, null, null, "corr-handback", null, null);
    PaymentDao payments = POSTGRES.jdbi().onDemand(PaymentDao.class);
    payments.create(payment);

    DropwizardTestSupport<WorkerConfiguration> first = worker("1s", "20s", "25s");
    first.before();
    String workflowId = WorkflowIds.forPayment(payment.id());
    PaymentWorkflow workflow = TEMPORAL.client().newWorkflowStub(PaymentWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(workflowId).setTaskQueue(TASK_QUEUE).build());
    WorkflowClient.start(workflow::process,
        new PaymentRequest(payment.id(), merchant.id(), 900, "EUR", "corr-handback"));
    await().atMost(Duration.ofSeconds(20)).until(() ->
        !GATEWAY.findAll(postRequestedFor(urlEqualTo(confirm))).isEmpty());
    first.after();

    DropwizardTestSupport<WorkerConfiguration> next = worker();
    next.before();
    try {
      WorkflowStub.fromTyped(workflow).getResult(60, TimeUnit.SECONDS, Void.class);
    } finally {
      next.after();
    }

    List<HistoryEvent> events = TEMPORAL.client().fetchHistory(workflowId).getEvents();
    // A retried attempt's start records how the attempt before it ended.
    ActivityTaskStartedEventAttributes charge = events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)
        .map(HistoryEvent::getActivityTaskStartedEventAttributes)
        .filter(started -> started.getAttempt() > 1)
        .findFirst().orElseThrow();
    assertThat(charge.getAttempt()).as("the charge's attempt that completed").isEqualTo(2);
    assertThat(charge.getLastFailure().getApplicationFailureInfo().getType())
        .as("the first attempt ended by the stopping worker's report, not by its start-to-close: %s",
            charge.getLastFailure())
        .isEqualTo("WorkerStopped");
    assertThat(payments.findById(payment.id()).orElseThrow().status()).isEqualTo(PaymentStatus.COMPLETED);
    // The retry found the intent charged: the customer was charged by the first confirm alone.
    assertThat(GATEWAY.findAll(postRequestedFor(urlEqualTo(confirm)))).hasSize(1);
  }
}
