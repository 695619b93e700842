package io.durapay.worker.v1;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.standardwebhooks.Webhook;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.PaymentWorkflow;
import io.durapay.contracts.WorkflowIds;
import io.durapay.store.Merchant;
import io.durapay.store.MerchantDao;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import io.durapay.store.WebhookDeliveryDao;
import io.durapay.store.testing.PostgresExtension;
import io.durapay.store.testing.TemporalServer;
import io.durapay.worker.WorkerConfiguration;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The v1 worker process as deployed (the Dropwizard application WorkerV1 runs) against a
 * port-bound Temporal test server, real PostgreSQL, and WireMock as the gateway and the merchant's
 * webhook endpoint.
 */
class WorkerV1IT {
  private static final String TASK_QUEUE = "worker-v1-it";
  private static final String WEBHOOK_SECRET =
      "whsec_" + Base64.getEncoder().encodeToString("worker-it-webhook-key-32-bytes!!".getBytes(StandardCharsets.US_ASCII));
  private static final AtomicInteger IDS = new AtomicInteger();

  @RegisterExtension
  @Order(0)
  static final WireMockExtension GATEWAY =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).resetOnEachTest(false).build();

  @RegisterExtension
  @Order(1)
  static final WireMockExtension MERCHANT =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).resetOnEachTest(false).build();

  @RegisterExtension
  @Order(2)
  static final PostgresExtension POSTGRES = new PostgresExtension();

  @RegisterExtension
  @Order(3)
  static final TemporalServer TEMPORAL = new TemporalServer();

  @RegisterExtension
  @Order(4)
  static final DropwizardAppExtension<WorkerConfiguration> WORKER =
      new DropwizardAppExtension<>(
          WorkerV1.class,
          ResourceHelpers.resourceFilePath("worker-test-config.yml"),
          ConfigOverride.config("database.url", POSTGRES::jdbcUrl),
          ConfigOverride.config("database.user", POSTGRES::user),
          ConfigOverride.config("database.password", POSTGRES::password),
          ConfigOverride.config("temporal.target", TEMPORAL::target),
          ConfigOverride.config("temporal.taskQueue", TASK_QUEUE),
          ConfigOverride.config("gateway.baseUrl", GATEWAY::baseUrl));

  private static Merchant merchant;

  @BeforeAll
  static void setUp() {
    merchant =
        new Merchant("mer_worker_it", "Worker IT shop", "keyid_worker_it", new byte[32],
            MERCHANT.baseUrl() + "/hooks", WEBHOOK_SECRET, null, null, null, null);
    POSTGRES.jdbi().onDemand(MerchantDao.class).insert(merchant);
    MERCHANT.stubFor(post(urlEqualTo("/hooks")).willReturn(ok()));

    // The intent is created unconfirmed (nothing charged), its id recorded, then confirmed.
    for (String[] card : new String[][] {{"pm_card_visa", "pi_visa"}, {"pm_card_chargeDeclined", "pi_declined"},
        {"pm_card_flaky", "pi_flaky"}}) {
      GATEWAY.stubFor(post(urlEqualTo("/v1/payment_intents"))
          .withRequestBody(containing("payment_method=" + card[0]))
          .willReturn(okJson(intent(card[1], "requires_confirmation"))));
      GATEWAY.stubFor(get(urlEqualTo("/v1/payment_intents/" + card[1]))
          .willReturn(okJson(intent(card[1], "requires_confirmation"))));
    }
    GATEWAY.stubFor(post(urlEqualTo("/v1/payment_intents/pi_visa/confirm"))
        .willReturn(okJson(intent("pi_visa", "succeeded"))));
    GATEWAY.stubFor(post(urlEqualTo("/v1/payment_intents/pi_declined/confirm"))
        .willReturn(aResponse().withStatus(402).withHeader("Content-Type", "application/json")
            .withBody("{\"error\":{\"type\":\"card_error\",\"code\":\"card_declined\","
                + "\"decline_code\":\"insufficient_funds\",\"message\":\"Your card (pm_card_chargeDeclined) has insufficient funds.\"}}")));
    // Fails twice with 500, then succeeds: each retry looks the intent up, then confirms it again.
    String flaky = "flaky";
    GATEWAY.stubFor(post(urlEqualTo("/v1/payment_intents/pi_flaky/confirm"))
        .inScenario(flaky).whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(500)).willSetStateTo("failed-once"));
    GATEWAY.stubFor(post(urlEqualTo("/v1/payment_intents/pi_flaky/confirm"))
        .inScenario(flaky).whenScenarioStateIs("failed-once")
        .willReturn(aResponse().withStatus(503)).willSetStateTo("failed-twice"));
    GATEWAY.stubFor(post(urlEqualTo("/v1/payment_intents/pi_flaky/confirm"))
        .inScenario(flaky).whenScenarioStateIs("failed-twice")
        .willReturn(okJson(intent("pi_flaky", "succeeded"))));
    GATEWAY.stubFor(get(urlPathEqualTo("/v1/payment_intents/search"))
        .willReturn(okJson("{\"object\":\"search_result\",\"data\":[]}")));
  }

  private static String intent(String id, String status) {
    return "{\"id\":\"" + id + "\",\"object\":\"payment_intent\",\"status\":\"" + status
        + "\",\"amount\":2500,\"currency\":\"eur\"}";
  }

  private static Payment newPayment(String token) {
    String id = String.format("pay_WORKERIT%017d", IDS.incrementAndGet());
    Payment payment = new Payment(id, merchant.id(), 2500, "EUR", token, null, "{}",
        PaymentStatus.INITIATED, null, null, null, "corr-" + id, null, null);
    POSTGRES.jdbi().onDemand(PaymentDao.class).create(payment);
    return payment;
  }

  /** Starts the workflow as the bridge does. */
  private static void start(Payment payment) {
    PaymentWorkflow workflow =
        TEMPORAL.client().newWorkflowStub(
            PaymentWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.forPayment(payment.id()))
                .setTaskQueue(TASK_QUEUE)
                .build());
    WorkflowClient.start(workflow::process, new PaymentRequest(payment.id(), payment.merchantId(),
        payment.amount(), payment.currency(), payment.correlationId()));
  }

  private static Payment awaitFinal(Payment payment) {
    PaymentDao payments = POSTGRES.jdbi().onDemand(PaymentDao.class);
    await().atMost(Duration.ofSeconds(30))
        .until(() -> payments.findById(payment.id()).orElseThrow().status().isFinal());
    return payments.findById(payment.id()).orElseThrow();
  }

  /** The charge requests (confirms) made for the payment: their keys name it. */
  private static List<LoggedRequest> chargesFor(Payment payment) {
    return GATEWAY.findAll(com.github.tomakehurst.wiremock.client.WireMock
            .postRequestedFor(urlMatching("/v1/payment_intents/pi_[a-z]+/confirm")))
        .stream().filter(r -> r.getHeader("Idempotency-Key").startsWith("confirm-" + payment.id() + "-")).toList();
  }

  private static List<LoggedRequest> intentsCreatedFor(Payment payment) {
    return GATEWAY.findAll(com.github.tomakehurst.wiremock.client.WireMock
        .postRequestedFor(urlEqualTo("/v1/payment_intents"))
        .withRequestBody(containing("metadata%5Bpayment_id%5D=" + payment.id())));
  }

  private static List<LoggedRequest> webhooksFor(Payment payment) {
    return MERCHANT.findAll(com.github.tomakehurst.wiremock.client.WireMock
        .postRequestedFor(urlEqualTo("/hooks")).withRequestBody(containing(payment.id())));
  }

  @Test
  void aPaymentIsChargedOnceCompletedAndTheMerchantGetsASignedWebhook() throws Exception {
    Payment payment = newPayment("pm_card_visa");

    start(payment);
    Payment done = awaitFinal(payment);

    assertThat(done.status()).isEqualTo(PaymentStatus.COMPLETED);
    assertThat(done.gatewayReference()).isEqualTo("pi_visa");
    List<LoggedRequest> charges = chargesFor(payment);
    assertThat(charges).hasSize(1);
    assertThat(charges.get(0).getHeader("Idempotency-Key")).isEqualTo("confirm-" + payment.id() + "-1");
    assertThat(intentsCreatedFor(payment)).extracting(r -> r.getHeader("Idempotency-Key")).containsExactly(payment.id());
    assertThat(charges.get(0).getHeader("Authorization")).isEqualTo("Bearer sk_test_never_logged_4f7c2a");

    await().atMost(Duration.ofSeconds(10)).until(() -> !webhooksFor(payment).isEmpty());
    LoggedRequest webhook = webhooksFor(payment).get(0);
    assertThat(webhook.getBodyAsString()).contains("\"type\":\"payment.completed\"").contains("pi_visa");
    // The merchant verifies the signature with the reference implementation.
    new Webhook(WEBHOOK_SECRET).verify(webhook.getBodyAsString(), HttpHeaders.of(Map.of(
        "webhook-id", List.of(webhook.getHeader("webhook-id")),
        "webhook-timestamp", List.of(webhook.getHeader("webhook-timestamp")),
        "webhook-signature", List.of(webhook.getHeader("webhook-signature"))), (a, b) -> true));
    assertThat(POSTGRES.jdbi().onDemand(WebhookDeliveryDao.class).forPayment(payment.id()))
        .extracting(d -> d.outcome()).containsExactly("delivered");
    assertThat(POSTGRES.jdbi().onDemand(PaymentDao.class).history(payment.id()))
        .extracting(h -> h.toStatus())
        .containsExactly(PaymentStatus.INITIATED, PaymentStatus.PROCESSING, PaymentStatus.COMPLETED);
  }

  @Test
  void gatewayRetriesConfirmThePaymentsOneIntentEachUnderItsOwnKey() {
    Payment payment = newPayment("pm_card_flaky");

    start(payment);
    Payment done = awaitFinal(payment);

    assertThat(done.status()).isEqualTo(PaymentStatus.COMPLETED);
    List<LoggedRequest> charges = chargesFor(payment);
    assertThat(charges).extracting(r -> r.getHeader("Idempotency-Key"))
        .containsExactly("confirm-" + payment.id() + "-1", "confirm-" + payment.id() + "-2", "confirm-" + payment.id() + "-3");
    assertThat(intentsCreatedFor(payment)).hasSize(1);
  }

  @Test
  void aDeclinedPaymentFailsWithItsDeclineCodeAndIsNotRefunded() {
    Payment payment = newPayment("pm_card_chargeDeclined");

    start(payment);
    Payment done = awaitFinal(payment);

    assertThat(done.status()).isEqualTo(PaymentStatus.FAILED);
    assertThat(done.failureCode()).isEqualTo("insufficient_funds");
    assertThat(chargesFor(payment)).hasSize(1);
    assertThat(GATEWAY.findAll(com.github.tomakehurst.wiremock.client.WireMock
        .postRequestedFor(urlEqualTo("/v1/refunds")))).isEmpty();
    await().atMost(Duration.ofSeconds(10)).until(() -> !webhooksFor(payment).isEmpty());
    String webhook = webhooksFor(payment).get(0).getBodyAsString();
    assertThat(webhook).contains("\"type\":\"payment.failed\"");
    // Issue 20, item 11: the merchant is told the code and its fixed sentence, not the gateway's
    // text (which names the payment method); that stays in the store for operators.
    assertThat(webhook).contains("\"failureCode\":\"insufficient_funds\"")
        .contains("\"failureMessage\":\"The card has insufficient funds.\"")
        .doesNotContain("pm_card_chargeDeclined");
    assertThat(done.failureMessage()).contains("pm_card_chargeDeclined");
  }

  @Test
  void theAdminPortReportsHealthAndPrometheusMetricsIncludingTheSdks() throws Exception {
    Payment payment = newPayment("pm_card_visa");
    start(payment);
    awaitFinal(payment);
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    String admin = "http://127.0.0.1:" + WORKER.getAdminPort();

    var health = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(admin + "/healthcheck")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    // The SDK reports every 10 s; wait for its first report rather than for a fixed time.
    await().atMost(Duration.ofSeconds(30)).until(() -> http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(admin + "/prometheus")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString()).body()
        .contains("temporal_activity_execution_latency"));
    String scrape = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(admin + "/prometheus")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    // One scrape: the SDK's, durapay's own and Dropwizard's (the JVM, Jetty, the pool).
    assertThat(scrape).contains("durapay_payments_refund_failed", "jvm_memory_used_bytes{area=\"heap\"",
        "jvm_threads_live_threads", "# TYPE io_dropwizard_db_managedpooleddatasource_postgresql_active gauge");

    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
    assertThat(health.body()).contains("\"temporal\"").contains("\"postgresql\"");
    // No task runs on a worker's admin port: Dropwizard's log-level could turn on header logging.
    var task = http.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(admin + "/tasks/log-level?logger=org.eclipse.jetty&level=DEBUG"))
            .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(task.statusCode()).isEqualTo(401);
    assertThat(org.slf4j.LoggerFactory.getLogger("org.eclipse.jetty").isDebugEnabled()).isFalse();
  }

  @Test
  void noPaymentEverGetsASecondIntent() {
    List<Payment> batch =
        List.of(newPayment("pm_card_visa"), newPayment("pm_card_visa"), newPayment("pm_card_chargeDeclined"));
    batch.forEach(WorkerV1IT::start);
    batch.forEach(WorkerV1IT::awaitFinal);

    // Across every intent the gateway was asked to create, one key per payment, the payment's own.
    Map<String, List<String>> keysByPayment = GATEWAY.findAll(
            com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo("/v1/payment_intents")))
        .stream()
        .collect(java.util.stream.Collectors.groupingBy(
            r -> r.getBodyAsString().replaceAll(".*metadata%5Bpayment_id%5D=([^&]+).*", "$1"),
            java.util.stream.Collectors.mapping(r -> r.getHeader("Idempotency-Key"),
                java.util.stream.Collectors.toList())));
    assertThat(keysByPayment.keySet()).containsAll(batch.stream().map(Payment::id).toList());
    keysByPayment.forEach((paymentId, keys) -> assertThat(keys).containsOnly(paymentId));
  }
}
