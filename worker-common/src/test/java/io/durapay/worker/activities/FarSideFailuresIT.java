package io.durapay.worker.activities;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.durapay.contracts.EventType;
import io.durapay.contracts.GatewayActivities;
import io.durapay.contracts.WebhookActivities;
import io.durapay.worker.gateway.GatewayActivitiesImpl;
import io.durapay.worker.webhook.WebhookActivitiesImpl;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.StatusChange;
import io.durapay.contracts.WebhookNotification;
import io.durapay.store.Merchant;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import io.durapay.store.testing.PostgresExtension;
import io.durapay.store.testing.TestMerchants;
import io.durapay.worker.gateway.GatewayClient;
import io.durapay.worker.webhook.WebhookDestinationGuard;
import io.durapay.worker.webhook.WebhookSender;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.durapay.store.testing.TemporalServer;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.concurrent.TimeUnit;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How the activities treat what the far side (the gateway, a merchant's endpoint) says when it
 * fails, on the dev server.
 *
 * <p>Issue 20, item 6: a {@code Retry-After} of 999 999 999 s (the gateway's, a merchant's endpoint)
 * asks the next attempt to wait past everything the workflow planned. Before the fix that delay
 * went to Temporal as it came, overriding the retry policy's longest interval, and the second
 * attempt was due in thirty years; now it is capped there. Run on the dev server, whose activity
 * tasks carry the policy (the activity test environment's do not): a probe workflow gives the
 * activity two attempts at most 1 s apart, and ends only if the second attempt comes.
 */
class FarSideFailuresIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension static final TemporalServer TEMPORAL = new TemporalServer();

  @RegisterExtension
  static final WireMockExtension FAR_SIDE =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  /** Two attempts of one activity, at most a second apart; says how the second ended. */
  @WorkflowInterface
  public interface Probe {
    @WorkflowMethod
    String run(PaymentRequest request, String which);
  }

  public static class ProbeWorkflow implements Probe {
    private static final ActivityOptions OPTIONS = ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(10))
            .setRetryOptions(RetryOptions.newBuilder()
                .setInitialInterval(Duration.ofMillis(100))
                .setMaximumInterval(Duration.ofSeconds(1))
                .setMaximumAttempts(2)
                .build())
            .build();
    private final GatewayActivities gateway = Workflow.newActivityStub(GatewayActivities.class, OPTIONS);
    private final WebhookActivities webhooks = Workflow.newActivityStub(WebhookActivities.class, OPTIONS);

    @Override
    public String run(PaymentRequest request, String which) {
      try {
        if (which.equals("charge")) {
          gateway.processPaymentWithGateway(request);
          return "charged";
        }
        return webhooks.sendWebhookNotification(
            new WebhookNotification(request.paymentId(), "evt_cap", EventType.PAYMENT_COMPLETED, "corr")).outcome();
      } catch (ActivityFailure e) {
        return "failed after " + ((ApplicationFailure) e.getCause()).getOriginalMessage();
      }
    }
  }

  private final String queue = "retry-after-" + UUID.randomUUID();
  private WorkerFactory workers;
  private PaymentRequest request;

  @BeforeEach
  void setUp() {
    FAR_SIDE.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(503)
        .withHeader("Retry-After", "999999999").withHeader("Content-Type", "application/json")
        .withBody("{\"error\":{\"type\":\"api_error\",\"message\":\"come back in thirty years\"}}")));
    Merchant merchant = TestMerchants.create(POSTGRES.jdbi());
    POSTGRES.jdbi().useHandle(h -> h.execute(
        "UPDATE merchants SET webhook_url = ? WHERE id = ?", FAR_SIDE.baseUrl() + "/hooks", merchant.id()));
    String id = "pay_" + UUID.randomUUID().toString().replace("-", "");
    PaymentDao payments = POSTGRES.jdbi().onDemand(PaymentDao.class);
    payments.create(new Payment(id, merchant.id(), 1999, "EUR", "pm_card_visa", null, "{}",
        PaymentStatus.INITIATED, null, null, null, "corr-" + id, null, null));
    payments.transition(new StatusChange(id, PaymentStatus.PROCESSING, "test", null, null, null, "run-1"));
    request = new PaymentRequest(id, merchant.id(), 1999, "EUR", "corr-" + id);
    workers = WorkerFactory.newInstance(TEMPORAL.client());
    Worker worker = workers.newWorker(queue);
    worker.registerWorkflowImplementationTypes(ProbeWorkflow.class);
    worker.registerActivitiesImplementations(
        new GatewayActivitiesImpl(POSTGRES.jdbi(), new GatewayClient(new OkHttpClient(), FAR_SIDE.baseUrl(), "sk_test_cap")),
        new WebhookActivitiesImpl(POSTGRES.jdbi(),
            new WebhookSender(new OkHttpClient(), new WebhookDestinationGuard(true, false), Clock.systemUTC()),
            new ObjectMapper().findAndRegisterModules()));
    workers.start();
  }

  @AfterEach
  void tearDown() {
    workers.shutdownNow();
  }

  @Test
  void theGatewaysRetryAfterIsCappedAtThePolicysLongestInterval() throws Exception {
    assertThat(probe("charge")).startsWith("failed after").contains("HTTP 503");
    assertThat(FAR_SIDE.getAllServeEvents()).as("both attempts reached the gateway").hasSize(2);
  }

  @Test
  void aMerchantEndpointsRetryAfterIsCappedAtThePolicysLongestInterval() throws Exception {
    assertThat(probe("webhook")).as("the second attempt was the last, and recorded so").isEqualTo("undeliverable");
    assertThat(FAR_SIDE.getAllServeEvents()).hasSize(2);
  }

  /**
   * Issue 20, item 9's oracle: a webhook attempt's failure goes into the history, which the
   * merchant's timeline shows. Saying how the connection failed ("Connection refused" against a
   * timeout) let a merchant scan ports behind any address its URL pointed at; the failure now says
   * only that the endpoint could not be reached, and the raw error stays in webhook_deliveries,
   * for operators. (The previous message carried "ConnectException: Failed to connect to
   * /127.0.0.1:<port>": the test failed on it.)
   */
  @Test
  void aWebhookConnectionFailureTellsTheHistoryNothingAboutThePort() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    POSTGRES.jdbi().useHandle(h -> h.execute(
        "UPDATE merchants SET webhook_url = ? WHERE id = (SELECT merchant_id FROM payments WHERE id = ?)",
        "http://127.0.0.1:" + closedPort + "/hooks", request.paymentId()));

    String workflowId = "probe-" + UUID.randomUUID();
    Probe probe = TEMPORAL.client().newWorkflowStub(Probe.class,
        WorkflowOptions.newBuilder().setTaskQueue(queue).setWorkflowId(workflowId).build());
    assertThat(WorkflowClient.execute(probe::run, request, "webhook").get(60, TimeUnit.SECONDS))
        .isEqualTo("undeliverable");

    String shown = TEMPORAL.client().fetchHistory(workflowId).getEvents().stream()
        .filter(e -> e.hasActivityTaskStartedEventAttributes() && e.getActivityTaskStartedEventAttributes().hasLastFailure())
        .map(e -> e.getActivityTaskStartedEventAttributes().getLastFailure().getMessage())
        .findFirst().orElseThrow();
    assertThat(shown).contains("the endpoint could not be reached")
        .doesNotContain(Integer.toString(closedPort)).doesNotContainIgnoringCase("refused").doesNotContain("Exception");
    assertThat(POSTGRES.jdbi().onDemand(io.durapay.store.WebhookDeliveryDao.class).forEvent("evt_cap"))
        .extracting(io.durapay.store.WebhookDelivery::error).anyMatch(error -> error.contains("Exception"));
  }

  /** The probe's answer; without the cap the second attempt is due in thirty years. */
  private String probe(String which) throws Exception {
    Probe probe = TEMPORAL.client().newWorkflowStub(Probe.class,
        WorkflowOptions.newBuilder().setTaskQueue(queue).setWorkflowId("probe-" + UUID.randomUUID()).build());
    return WorkflowClient.execute(probe::run, request, which).get(60, TimeUnit.SECONDS);
  }
}
