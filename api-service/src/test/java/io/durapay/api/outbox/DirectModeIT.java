package io.durapay.api.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.durapay.api.DurapayConfiguration;
import io.durapay.api.testing.ApiClient;
import io.durapay.api.testing.TestApp;
import io.durapay.contracts.WorkflowIds;
import io.durapay.store.OutboxDao;
import io.durapay.store.testing.PostgresExtension;
import io.durapay.store.testing.TemporalServer;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code outbox.mode: direct}: the relay starts workflows itself, once per payment. */
class DirectModeIT {
  private static final String TASK_QUEUE = "direct-mode-it";

  @RegisterExtension
  @Order(0)
  static final WireMockExtension SNS = TestApp.sns();

  @RegisterExtension
  @Order(1)
  static final PostgresExtension POSTGRES = new PostgresExtension();

  @RegisterExtension
  @Order(2)
  static final TemporalServer TEMPORAL = new TemporalServer();

  @RegisterExtension
  @Order(3)
  static final DropwizardAppExtension<DurapayConfiguration> APP =
      TestApp.app(POSTGRES, SNS,
          ConfigOverride.config("outbox.mode", "direct"),
          ConfigOverride.config("outbox.maxAttempts", "1"),
          ConfigOverride.config("temporal.target", TEMPORAL::target),
          ConfigOverride.config("temporal.taskQueue", TASK_QUEUE));

  @Test
  void theRelayStartsOneWorkflowPerPaymentEvenWhenTheEventIsRelayedTwice() {
    String key = TestApp.onboarding(POSTGRES).create("Direct shop", null, null).apiKey();
    String id = create(key);
    OutboxDao outbox = POSTGRES.jdbi().onDemand(OutboxDao.class);

    await().atMost(Duration.ofSeconds(10)).until(() -> outbox.countPending() == 0);
    var workflow = TEMPORAL.client().newUntypedWorkflowStub(WorkflowIds.forPayment(id)).describe();
    assertThat(workflow.getWorkflowExecutionInfo().getTaskQueue()).isEqualTo(TASK_QUEUE);

    // Publish-then-crash: the row is relayed again. The second start finds the workflow there.
    POSTGRES.jdbi().useHandle(h -> h.execute("UPDATE outbox SET published_at = NULL WHERE aggregate_id = ?", id));
    await().atMost(Duration.ofSeconds(10)).until(() -> outbox.countPending() == 0);
    assertThat(SNS.getAllServeEvents()).isEmpty();
    var open = TEMPORAL.client().getWorkflowServiceStubs().blockingStub().listOpenWorkflowExecutions(
        ListOpenWorkflowExecutionsRequest.newBuilder().setNamespace("default").setMaximumPageSize(100).build());
    assertThat(open.getExecutionsList())
        .filteredOn(e -> e.getExecution().getWorkflowId().equals(WorkflowIds.forPayment(id)))
        .hasSize(1);
  }

  @Test
  void aBacklogGetsOneWorkflowPerPaymentAndAnEventThatIsNotOursIsParkedAlone() {
    OutboxDao outbox = POSTGRES.jdbi().onDemand(OutboxDao.class);
    outbox.insert("evt_garbage", "payment.initiated", "pay_garbage", null, "{\"not\":\"an envelope\"}");
    String key = TestApp.onboarding(POSTGRES).create("Busy shop", null, null).apiKey();
    List<String> ids = IntStream.range(0, 25).mapToObj(i -> create(key)).toList();

    await().atMost(Duration.ofSeconds(20))
        .until(() -> outbox.countPending() == 0 && outbox.countParked() == 1);

    for (String id : ids) {
      assertThat(TEMPORAL.client().newUntypedWorkflowStub(WorkflowIds.forPayment(id)).describe()
          .getWorkflowExecutionInfo().getTaskQueue()).isEqualTo(TASK_QUEUE);
    }
    assertThat(outbox.listParked(10)).singleElement().satisfies(parked -> {
      assertThat(parked.eventId()).isEqualTo("evt_garbage");
      assertThat(parked.lastError()).contains("is not an event envelope");
    });
  }

  private String create(String apiKey) {
    return new ApiClient(APP.getLocalPort()).request("POST", "/v1/payments").bearer(apiKey)
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .json("{\"amount\":700,\"currency\":\"EUR\",\"paymentMethod\":\"pm_card_visa\"}")
        .send().json().get("id").asText();
  }
}
