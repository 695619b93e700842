package io.durapay.api.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dropwizard.testing.ConfigOverride;
import io.durapay.api.testing.ApiUnderTest;
import io.durapay.contracts.WorkflowIds;
import io.durapay.store.OutboxDao;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code outbox.mode: direct}: the relay starts workflows itself, once per payment. */
class DirectModeIT {
  private static final String TASK_QUEUE = "direct-mode-it";

  @RegisterExtension
  static final ApiUnderTest API = ApiUnderTest.withTemporal(
      ConfigOverride.config("outbox.mode", "direct"),
      ConfigOverride.config("outbox.maxAttempts", "1"),
      ConfigOverride.config("temporal.taskQueue", TASK_QUEUE));

  @Test
  void theRelayStartsOneWorkflowPerPaymentEvenWhenTheEventIsRelayedTwice() {
    String key = API.onboarding().create("Direct shop", null, null).apiKey();
    String id = create(key);
    OutboxDao outbox = API.postgres().jdbi().onDemand(OutboxDao.class);

    await().atMost(Duration.ofSeconds(10)).until(() -> outbox.countPending() == 0);
    var workflow = API.temporal().client().newUntypedWorkflowStub(WorkflowIds.forPayment(id)).describe();
    assertThat(workflow.getWorkflowExecutionInfo().getTaskQueue()).isEqualTo(TASK_QUEUE);

    // Publish-then-crash: the row is relayed again. The second start finds the workflow there.
    API.postgres().jdbi().useHandle(h -> h.execute("UPDATE outbox SET published_at = NULL WHERE aggregate_id = ?", id));
    await().atMost(Duration.ofSeconds(10)).until(() -> outbox.countPending() == 0);
    assertThat(API.sns().getAllServeEvents()).isEmpty();
    var open = API.temporal().client().getWorkflowServiceStubs().blockingStub().listOpenWorkflowExecutions(
        ListOpenWorkflowExecutionsRequest.newBuilder().setNamespace("default").setMaximumPageSize(100).build());
    assertThat(open.getExecutionsList())
        .filteredOn(e -> e.getExecution().getWorkflowId().equals(WorkflowIds.forPayment(id)))
        .hasSize(1);
  }

  @Test
  void aBacklogGetsOneWorkflowPerPaymentAndAnEventThatIsNotOursIsParkedAlone() {
    OutboxDao outbox = API.postgres().jdbi().onDemand(OutboxDao.class);
    outbox.insert("evt_garbage", "payment.initiated", "pay_garbage", null, "{\"not\":\"an envelope\"}");
    String key = API.onboarding().create("Busy shop", null, null).apiKey();
    List<String> ids = IntStream.range(0, 25).mapToObj(i -> create(key)).toList();

    await().atMost(Duration.ofSeconds(20))
        .until(() -> outbox.countPending() == 0 && outbox.countParked() == 1);

    for (String id : ids) {
      assertThat(API.temporal().client().newUntypedWorkflowStub(WorkflowIds.forPayment(id)).describe()
          .getWorkflowExecutionInfo().getTaskQueue()).isEqualTo(TASK_QUEUE);
    }
    assertThat(outbox.listParked(10)).singleElement().satisfies(parked -> {
      assertThat(parked.eventId()).isEqualTo("evt_garbage");
      assertThat(parked.lastError()).contains("is not an event envelope");
    });
  }

  private String create(String apiKey) {
    return API.client().request("POST", "/v1/payments").bearer(apiKey)
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .json("{\"amount\":700,\"currency\":\"EUR\",\"paymentMethod\":\"pm_card_visa\"}")
        .send().json().get("id").asText();
  }
}
