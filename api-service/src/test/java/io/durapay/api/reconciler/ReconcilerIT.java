package io.durapay.api.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.dropwizard.testing.ConfigOverride;
import io.durapay.api.payments.PaymentIds;
import io.durapay.api.testing.Operator;
import io.durapay.apiclient.ApiClient.Reply;
import io.durapay.api.testing.ApiUnderTest;
import io.durapay.apiclient.ApiClient;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.WorkflowIds;
import io.durapay.contracts.WorkflowStarter;
import io.durapay.store.PaymentEvents;
import io.durapay.store.OutboxDao;
import io.durapay.store.OutboxEvent;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reconciler on real PostgreSQL and a port-bound Temporal test server, with the API in
 * direct mode so a re-published event really starts (or fails to start twice) a workflow.
 */
class ReconcilerIT {
  @RegisterExtension
  static final ApiUnderTest API = ApiUnderTest.withTemporal(
      ConfigOverride.config("outbox.mode", "direct"),
      // Runs by hand (the admin task) here, so each step is seen alone.
      ConfigOverride.config("reconciler.enabled", "false"),
      ConfigOverride.config("reconciler.threshold", "1m"));

  private static String merchantId;
  private static ApiClient admin;

  @BeforeAll
  static void setUp() {
    merchantId = API.onboarding().create("Reconciled shop", null, null).merchantId();
    admin = new ApiClient(API.app().getAdminPort());
  }

  @Test
  void republishesOnlyAStrandedPaymentWithoutAWorkflowAndNeverStartsASecondOne() {
    String lost = paymentWithPublishedEvent(Duration.ofMinutes(10));
    String running = paymentWithPublishedEvent(Duration.ofMinutes(10));
    String recent = paymentWithPublishedEvent(Duration.ZERO);
    // The bridge did start this one: only its status has not moved yet.
    PaymentRequest runningRequest = new PaymentRequest(running, merchantId, 500, "USD", "corr-" + running);
    API.temporal().client()
        .newUntypedWorkflowStub("PaymentWorkflow", WorkflowStarter.options(runningRequest, "reconciler-it"))
        .start(runningRequest);
    String runningRunId = runId(running);

    Reply first = reconcile();

    // (Another test's stranded payment may be republished along with it.)
    assertThat(first.body()).contains(lost).doesNotContain(running).doesNotContain(recent);
    assertThat(events(recent)).hasSize(1);
    assertThat(events(running)).hasSize(1);
    // The new event takes the normal path (here: direct mode) and starts the missing workflow.
    await().atMost(Duration.ofSeconds(15)).until(() -> events(lost).stream()
        .allMatch(e -> e.publishedAt() != null) && events(lost).size() == 2);
    String lostRunId = runId(lost);
    assertThat(events(lost).get(1).payload()).contains(lost, "payment.initiated");

    // The lost original event turns up after all: the start is refused as a duplicate.
    API.postgres().jdbi().useHandle(h -> h.execute(
        "UPDATE outbox SET published_at = NULL WHERE id = ?", events(lost).get(0).id()));
    await().atMost(Duration.ofSeconds(15)).until(() -> events(lost).get(0).publishedAt() != null);

    Reply second = reconcile();

    assertThat(second.body()).contains("republished: 0");
    assertThat(events(lost)).hasSize(2);
    assertThat(runId(lost)).isEqualTo(lostRunId);
    assertThat(runId(running)).isEqualTo(runningRunId);
    assertThat(events(running)).hasSize(1);
  }

  /**
   * Issue 20, item 7: the reconciler examined the oldest {@code batchSize} stranded payments each
   * run, so a batch of them whose workflows exist (stuck, not lost) hid every payment behind it for
   * good. Now each run goes on where the last stopped. Before the fix the second run took the same
   * two payments again and the lost one was never republished (the test failed on it).
   */
  @Test
  void aFullBatchOfPaymentsWithWorkflowsDoesNotHideTheOnesBehindIt() {
    String stuckA = paymentWithPublishedEvent(Duration.ofMinutes(50));
    String stuckB = paymentWithPublishedEvent(Duration.ofMinutes(45));
    String lost = paymentWithPublishedEvent(Duration.ofMinutes(40));
    for (String stuck : List.of(stuckA, stuckB)) {
      PaymentRequest request = new PaymentRequest(stuck, merchantId, 500, "USD", "corr-" + stuck);
      API.temporal().client()
          .newUntypedWorkflowStub("PaymentWorkflow", WorkflowStarter.options(request, "reconciler-it-stuck"))
          .start(request);
    }
    ReconcilerFactory settings = new ReconcilerFactory();
    settings.setThreshold(io.dropwizard.util.Duration.minutes(1));
    settings.setBatchSize(2);
    Reconciler reconciler = new Reconciler(API.postgres().jdbi(),
        new WorkflowPresence(API.temporal().client().getWorkflowServiceStubs(), "default", 5_000),
        API.app().getObjectMapper(), java.time.Clock.systemUTC(), settings, null);

    Reconciler.Result first = reconciler.reconcileOnce();
    Reconciler.Result second = reconciler.reconcileOnce();

    assertThat(first.withWorkflow()).as(first.toString()).isEqualTo(2);
    assertThat(first.republished()).isEmpty();
    assertThat(second.republished()).as(second.toString()).contains(lost);
    assertThat(events(lost)).hasSize(2);
  }

  @Test
  void neverRepublishesAPaymentWhoseEventIsParkedAndTheOperatorsRequeueStartsIt() {
    String parked = paymentWithParkedEvent(Duration.ofMinutes(10));

    Reply first = reconcile();
    Reply second = reconcile();

    // A copy of a refused event would be refused and parked in turn, run after run.
    assertThat(first.body()).doesNotContain(parked);
    assertThat(second.body()).doesNotContain(parked);
    assertThat(events(parked)).hasSize(1);
    assertThat(events(parked).get(0).parkedAt()).isNotNull();

    // The operator fixes the cause and re-queues it: the one event takes the normal path.
    Reply requeued = admin.request("POST",
        "/tasks/requeue-parked-outbox-events?eventId=" + events(parked).get(0).eventId()).header("Authorization", Operator.basic()).send();
    assertThat(requeued.status()).as(requeued.body()).isEqualTo(200);
    assertThat(requeued.body()).contains("requeued: 1");
    await().atMost(Duration.ofSeconds(15)).until(() -> events(parked).get(0).publishedAt() != null);
    assertThat(runId(parked)).isNotBlank();
    assertThat(events(parked)).hasSize(1);
  }

  @Test
  void changesNothingWhileTemporalIsUnreachable() {
    String stranded = paymentWithPublishedEvent(Duration.ofMinutes(10));
    WorkflowServiceStubs unreachable = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:1").build());
    try {
      ReconcilerFactory settings = new ReconcilerFactory();
      settings.setThreshold(io.dropwizard.util.Duration.minutes(1));
      Reconciler reconciler = new Reconciler(API.postgres().jdbi(),
          new WorkflowPresence(unreachable, "default", 2000), API.app().getObjectMapper(), Clock.systemUTC(), settings,
          null);

      Reconciler.Result result = reconciler.reconcileOnce();

      assertThat(result.stoppedBy()).contains("UNAVAILABLE");
      assertThat(result.republished()).isEmpty();
      assertThat(events(stranded)).hasSize(1);
    } finally {
      unreachable.shutdownNow();
    }
  }

  private static Reply reconcile() {
    Reply reply = admin.request("POST", "/tasks/reconcile-payments").header("Authorization", Operator.basic()).send();
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply;
  }

  /**
   * A payment in {@code initiated} whose event SNS accepted {@code age} ago (and then, say, the
   * bridge could not reach Temporal and the message went to the DLQ).
   */
  private static String paymentWithPublishedEvent(Duration age) {
    String id = PaymentIds.newPaymentId();
    Payment payment = new Payment(id, merchantId, 500, "USD", "pm_card_visa", null, "{}",
        PaymentStatus.INITIATED, null, null, null, "corr-" + id, null, null);
    var event = PaymentEvents.initiated(payment, PaymentIds.newEventId(), java.time.Instant.now());
    String json;
    try {
      json = API.app().getObjectMapper().writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
    API.postgres().jdbi().useTransaction(h -> {
      h.attach(PaymentDao.class).create(payment);
      h.attach(OutboxDao.class).insert(event.id(), "payment.initiated", id, "corr-" + id, json);
      h.execute("UPDATE outbox SET published_at = now() - make_interval(secs => ?) WHERE aggregate_id = ?",
          (double) age.toSeconds(), id);
      h.execute("UPDATE payments SET created_at = now() - make_interval(secs => ?),"
          + " updated_at = now() - make_interval(secs => ?) WHERE id = ?",
          (double) age.toSeconds(), (double) age.toSeconds(), id);
    });
    return id;
  }

  /**
   * A payment in {@code initiated} whose event SNS refused until it was parked {@code age} ago,
   * waiting for an operator.
   */
  private static String paymentWithParkedEvent(Duration age) {
    String id = paymentWithPublishedEvent(age);
    API.postgres().jdbi().useHandle(h -> h.execute(
        "UPDATE outbox SET published_at = NULL, parked_at = now() - make_interval(secs => ?),"
            + " attempts = 10, refusals = 10, last_error = 'InvalidParameter: refused'"
            + " WHERE aggregate_id = ?",
        (double) age.toSeconds(), id));
    return id;
  }

  private static List<OutboxEvent> events(String paymentId) {
    return API.postgres().jdbi().onDemand(OutboxDao.class).findByAggregateId(paymentId);
  }

  private static String runId(String paymentId) {
    return API.temporal().client().getWorkflowServiceStubs().blockingStub()
        .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace("default")
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(WorkflowIds.forPayment(paymentId)))
            .build())
        .getWorkflowExecutionInfo().getExecution().getRunId();
  }
}
