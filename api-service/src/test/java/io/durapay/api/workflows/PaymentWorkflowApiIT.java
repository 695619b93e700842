package io.durapay.api.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.durapay.apiclient.ApiClient.Reply;
import io.durapay.api.testing.ApiUnderTest;
import io.durapay.apiclient.ApiClient;
import io.durapay.contracts.CancelRequest;
import io.durapay.contracts.FailureTypes;
import io.durapay.contracts.PaymentRecordActivities;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentResult;
import io.durapay.contracts.PaymentState;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.PaymentWorkflow;
import io.durapay.contracts.StatusChange;
import io.durapay.contracts.TaskQueues;
import io.durapay.contracts.TransitionResult;
import io.durapay.contracts.WorkflowIds;
import io.durapay.store.PaymentDao;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cancel and timeline over real HTTP against the Temporal dev server. The workflow here
 * is a stand-in that waits for the cancel signal: the real workflows are tested in the worker
 * modules; this test is about what the API asks of Temporal and what it shows.
 */
class PaymentWorkflowApiIT {
  @RegisterExtension
  static final ApiUnderTest API = ApiUnderTest.withTemporal();

  private static ApiClient api;
  private static String apiKey;

  /** Waits for the cancel signal after one activity, then ends cancelled. */
  public static class WaitForCancelWorkflow implements PaymentWorkflow {
    private final PaymentRecordActivities activities =
        Workflow.newActivityStub(
            PaymentRecordActivities.class,
            ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(5)).build());
    private CancelRequest cancel;
    private String paymentId;

    @Override
    public PaymentResult process(PaymentRequest request) {
      paymentId = request.paymentId();
      activities.validatePayment(request);
      Workflow.await(() -> cancel != null);
      return new PaymentResult(paymentId, PaymentStatus.CANCELLED, null, null, cancel.reason(), "cancelled");
    }

    @Override
    public void cancel(CancelRequest request) {
      cancel = request;
    }

    @Override
    public PaymentState state() {
      return new PaymentState(paymentId, PaymentStatus.PROCESSING, cancel == null ? "waiting" : "cancelling",
          cancel != null, false, null, null, null, Map.of(), "test");
    }
  }

  /** Only validatePayment is called. */
  public static class NoopActivities implements PaymentRecordActivities {
    @Override
    public void validatePayment(PaymentRequest request) {}

    @Override
    public TransitionResult updatePaymentStatus(StatusChange change) {
      throw new UnsupportedOperationException();
    }
  }

  /** The task queue of {@link LeakyWorkflow}. */
  private static final String LEAKY = "timeline-leaks";

  /**
   * Fails the way real steps fail, with operator text a merchant must not see: a gateway message
   * naming a payment-method token (the first attempt of its one activity), a risk threshold in its
   * live state's last error.
   */
  public static class LeakyWorkflow implements PaymentWorkflow {
    private final PaymentRecordActivities activities =
        Workflow.newActivityStub(
            PaymentRecordActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(5))
                .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofMillis(100)).build())
                .build());
    private String paymentId;

    @Override
    public PaymentResult process(PaymentRequest request) {
      paymentId = request.paymentId();
      activities.validatePayment(request);
      return new PaymentResult(paymentId, PaymentStatus.FAILED, null, "risk_rejected", "test", "risk_rejected");
    }

    @Override
    public void cancel(CancelRequest request) {}

    @Override
    public PaymentState state() {
      return new PaymentState(paymentId, PaymentStatus.FAILED, null, false, false, null, "risk_rejected",
          "amount 600000 is over the screening limit of 500000 (limit_marker)", Map.of("validatePayment", 2), "test");
    }
  }

  /** Its validation fails once with a gateway's raw message, then passes. */
  public static class LeakyActivities extends NoopActivities {
    @Override
    public void validatePayment(PaymentRequest request) {
      if (Activity.getExecutionContext().getInfo().getAttempt() == 1) {
        throw ApplicationFailure.newFailure(
            "No such PaymentMethod: 'pm_leaky_secret'", FailureTypes.GATEWAY_REJECTED, "resource_missing");
      }
    }
  }

  @BeforeAll
  static void setUp() {
    API.acceptPublishes();
    api = API.client();
    apiKey = API.onboarding().create("Workflow shop", null, null).apiKey();
    var workers = API.temporal().newWorkerFactory();
    Worker worker = workers.newWorker(TaskQueues.PAYMENTS_V1);
    worker.registerWorkflowImplementationTypes(WaitForCancelWorkflow.class);
    worker.registerActivitiesImplementations(new NoopActivities());
    Worker leaky = workers.newWorker(LEAKY);
    leaky.registerWorkflowImplementationTypes(LeakyWorkflow.class);
    leaky.registerActivitiesImplementations(new LeakyActivities());
    workers.start();
  }

  private String createPayment() {
    return api.request("POST", "/v1/payments").bearer(apiKey)
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .json("{\"amount\":500,\"currency\":\"USD\",\"paymentMethod\":\"pm_card_visa\"}")
        .send().json().get("id").asText();
  }

  /** Starts the workflow as the bridge does. */
  private static PaymentWorkflow startWorkflow(String paymentId) {
    PaymentWorkflow workflow =
        API.temporal().client().newWorkflowStub(
            PaymentWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.forPayment(paymentId))
                .setTaskQueue(TaskQueues.PAYMENTS_V1)
                .build());
    var payment = API.postgres().jdbi().onDemand(PaymentDao.class).findById(paymentId).orElseThrow();
    WorkflowClient.start(workflow::process, PaymentWorkflows.requestFor(payment));
    return workflow;
  }

  private static PaymentResult resultOf(String paymentId) throws Exception {
    return API.temporal().client().newUntypedWorkflowStub(WorkflowIds.forPayment(paymentId))
        .getResultAsync(PaymentResult.class).get(20, TimeUnit.SECONDS);
  }

  @Test
  void cancelSignalsTheRunningWorkflowAndTheTimelineShowsIt() throws Exception {
    String id = createPayment();
    startWorkflow(id);

    Reply cancel = api.request("POST", "/v1/payments/" + id + "/cancel").bearer(apiKey).send();

    assertThat(cancel.status()).isEqualTo(202);
    assertThat(cancel.json().get("id").asText()).isEqualTo(id);
    PaymentResult result = resultOf(id);
    assertThat(result.status()).isEqualTo(PaymentStatus.CANCELLED);
    assertThat(result.failureMessage()).isEqualTo("requested by the merchant over the API");

    Reply timeline = api.request("GET", "/v1/payments/" + id + "/timeline").bearer(apiKey).send();
    assertThat(timeline.status()).isEqualTo(200);
    JsonNode workflow = timeline.json().get("workflow");
    assertThat(workflow.get("workflowId").asText()).isEqualTo("payment-" + id);
    // The run the server knows, not the placeholder of a fetched history ("run_id_in_replay").
    String runId = API.temporal().client().newUntypedWorkflowStub("payment-" + id).describe().getExecution().getRunId();
    assertThat(workflow.get("runId").asText()).isEqualTo(runId);
    assertThat(workflow.get("runs")).extracting(JsonNode::asText).containsExactly(runId);
    assertThat(workflow.get("taskQueue").asText()).isEqualTo(TaskQueues.PAYMENTS_V1);
    assertThat(workflow.get("execution").asText()).isEqualTo("completed");
    assertThat(workflow.get("activities").get(0).get("name").asText()).isEqualTo("ValidatePayment");
    assertThat(workflow.get("activities").get(0).get("outcome").asText()).isEqualTo("completed");
    assertThat(workflow.get("activities").get(0).get("attempts").asInt()).isEqualTo(1);
    assertThat(workflow.get("signals").get(0).get("name").asText()).isEqualTo("cancel");
    // A closed workflow is not queried: its history and the stored payment say everything; the
    // build is the one the payment's row recorded.
    assertThat(workflow.get("state").isNull()).isTrue();
    assertThat(workflow.get("build").asText())
        .isEqualTo(String.valueOf(API.postgres().jdbi().onDemand(PaymentDao.class).findById(id).orElseThrow().workerBuild()));
    assertThat(timeline.json().get("statusHistory").get(0).get("to").asText()).isEqualTo("initiated");
  }

  /**
   * No worker polls the workflow's queue, so no one can answer its live-state query: the timeline
   * still answers, with the stored part and the workflow's history, and says the live state is
   * missing (the query ran on the bounded pool and was given up after its timeout).
   */
  @Test
  void aWorkflowNoWorkerAnswersForGivesTheRestAndSaysTheLiveStateIsMissing() {
    String id = createPayment();
    WorkflowStub stub = API.temporal().client().newUntypedWorkflowStub("PaymentWorkflow",
        WorkflowOptions.newBuilder().setWorkflowId(WorkflowIds.forPayment(id)).setTaskQueue("nobody-polls-this").build());
    stub.start(PaymentWorkflows.requestFor(API.postgres().jdbi().onDemand(PaymentDao.class).findById(id).orElseThrow()));
    try {
      Reply timeline = api.request("GET", "/v1/payments/" + id + "/timeline").bearer(apiKey).send();

      assertThat(timeline.status()).isEqualTo(200);
      assertThat(timeline.json().get("workflow").get("execution").asText()).isEqualTo("running");
      assertThat(timeline.json().get("workflow").get("state").isNull()).isTrue();
      assertThat(timeline.json().get("workflowError").asText()).isEqualTo(Timelines.LIVE_STATE_UNAVAILABLE);
      assertThat(timeline.json().get("statusHistory").get(0).get("to").asText()).isEqualTo("initiated");
    } finally {
      stub.terminate("test over");
    }
  }

  @Test
  void cancelBeforeAnyWorkflowStartsOneWithTheCancelAlreadyDelivered() throws Exception {
    String id = createPayment();

    Reply cancel = api.request("POST", "/v1/payments/" + id + "/cancel").bearer(apiKey).send();

    assertThat(cancel.status()).isEqualTo(202);
    assertThat(resultOf(id).status()).isEqualTo(PaymentStatus.CANCELLED);
    // A later start by the bridge finds the workflow there and starts nothing new.
    WorkflowStub stub = API.temporal().client().newUntypedWorkflowStub(WorkflowIds.forPayment(id));
    assertThat(stub.describe().getWorkflowExecutionInfo().getTaskQueue())
        .isEqualTo(TaskQueues.PAYMENTS_V1);
  }

  /**
   * Issue 20, item 1: a cancel is refused only for a payment whose stored status is final. Here
   * the workflow closed (an operator terminated it) while the payment is still initiated: before
   * the fix the API read Temporal's "already started" as "final" and answered 409 payment_final,
   * and the cancel was lost. Now a new run carries it and the payment ends cancelled.
   */
  @Test
  void aCancelOfAPaymentWhoseWorkflowClosedButIsNotFinalIsCarriedByANewRun() throws Exception {
    String id = createPayment();
    startWorkflow(id);
    WorkflowStub first = API.temporal().client().newUntypedWorkflowStub(WorkflowIds.forPayment(id));
    String firstRun = first.describe().getExecution().getRunId();
    first.terminate("operator (test)");

    Reply cancel = api.request("POST", "/v1/payments/" + id + "/cancel").bearer(apiKey).send();

    assertThat(cancel.status()).as(cancel.body()).isEqualTo(202);
    assertThat(resultOf(id).status()).isEqualTo(PaymentStatus.CANCELLED);
    assertThat(API.temporal().client().newUntypedWorkflowStub(WorkflowIds.forPayment(id)).describe()
        .getExecution().getRunId()).as("a new run").isNotEqualTo(firstRun);
  }

  /** A cancel of a running workflow started by the bridge signals it (no 409, no second run). */
  @Test
  void cancelsRacingTheBridgesStartAreNeverRefused() throws Exception {
    for (int i = 0; i < 30; i++) {
      String id = createPayment();
      // The bridge's start: REJECT_DUPLICATE, and "already started" (by the cancel) counts as done.
      var payment = API.postgres().jdbi().onDemand(PaymentDao.class).findById(id).orElseThrow();
      Thread bridge = new Thread(() -> new io.durapay.contracts.WorkflowStarter(API.temporal().client(), TaskQueues.PAYMENTS_V1)
          .start(PaymentWorkflows.requestFor(payment)));
      bridge.start();
      Reply cancel = api.request("POST", "/v1/payments/" + id + "/cancel").bearer(apiKey).send();
      bridge.join();

      assertThat(cancel.status()).as("pair %d: %s", i, cancel.body()).isEqualTo(202);
      assertThat(resultOf(id).status()).isEqualTo(PaymentStatus.CANCELLED);
    }
  }

  @Test
  void aFinalPaymentCannotBeCancelled() {
    String id = createPayment();
    API.postgres().jdbi().onDemand(PaymentDao.class).transition(
        new StatusChange(id, PaymentStatus.FAILED, "test", "card_declined", "declined", null, "run"));

    Reply cancel = api.request("POST", "/v1/payments/" + id + "/cancel").bearer(apiKey).send();

    assertThat(cancel.status()).isEqualTo(409);
    assertThat(cancel.error("code")).isEqualTo("payment_final");
  }

  @Test
  void theTimelineOfAPaymentWithoutAWorkflowSaysSo() {
    String id = createPayment();

    Reply timeline = api.request("GET", "/v1/payments/" + id + "/timeline").bearer(apiKey).send();

    assertThat(timeline.status()).isEqualTo(200);
    assertThat(timeline.json().get("workflow").isNull()).isTrue();
    assertThat(timeline.json().get("status").asText()).isEqualTo("initiated");
  }

  @Test
  void anotherMerchantCannotCancelOrSeeTheTimeline() {
    String id = createPayment();
    String otherKey = API.onboarding().create("Other", null, null).apiKey();

    assertThat(api.request("POST", "/v1/payments/" + id + "/cancel").bearer(otherKey).send().status())
        .isEqualTo(404);
    assertThat(api.request("GET", "/v1/payments/" + id + "/timeline").bearer(otherKey).send().status())
        .isEqualTo(404);
  }

  /**
   * Issue 20, item 11: a merchant sees codes and fixed sentences, never the text a step raised
   * (a gateway's message with a payment-method token, a risk threshold), the risk rule that
   * matched, or the identities (process@host) of the workers. Before the fix every one of them
   * was in the payment and its timeline. The raw text stays in the store, for operators.
   */
  @Test
  void aMerchantSeesCodesAndFixedSentencesNotWhatTheStepsRaised() throws Exception {
    String id = createPayment();
    PaymentWorkflow workflow = API.temporal().client().newWorkflowStub(PaymentWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(WorkflowIds.forPayment(id)).setTaskQueue(LEAKY).build());
    var payment = API.postgres().jdbi().onDemand(PaymentDao.class).findById(id).orElseThrow();
    workflow.process(PaymentWorkflows.requestFor(payment));
    String raw = "amount 600000 is over the screening limit of 500000 (limit_marker, pm_leaky_secret)";
    API.postgres().jdbi().onDemand(PaymentDao.class).transition(new StatusChange(
        id, PaymentStatus.FAILED, "rejected by risk rule blocked_payment_method", "risk_rejected", raw, null, "run"));
    String identity = API.temporal().client().getOptions().getIdentity();

    Reply shown = api.request("GET", "/v1/payments/" + id).bearer(apiKey).send();
    Reply timeline = api.request("GET", "/v1/payments/" + id + "/timeline").bearer(apiKey).send();

    assertThat(shown.json().get("failureCode").asText()).isEqualTo("risk_rejected");
    assertThat(shown.json().get("failureMessage").asText()).isEqualTo("The payment was declined by risk screening.");
    assertThat(timeline.status()).isEqualTo(200);
    JsonNode summary = timeline.json().get("workflow");
    JsonNode validation = summary.get("activities").get(0);
    assertThat(validation.get("attempts").asInt()).isEqualTo(2);
    assertThat(validation.get("errorCode").asText()).isEqualTo("resource_missing");
    assertThat(validation.get("error").asText()).isEqualTo("The payment could not be processed.");
    assertThat(summary.get("state").isNull()).as("a closed workflow is not queried").isTrue();
    assertThat(summary.has("workers")).isFalse();
    JsonNode history = timeline.json().get("statusHistory");
    assertThat(history.get(history.size() - 1).get("cause").asText()).isEqualTo("rejected by risk screening");
    for (Reply reply : java.util.List.of(shown, timeline)) {
      assertThat(reply.body()).doesNotContain("pm_leaky_secret", "limit_marker", "blocked_payment_method", identity);
    }
    assertThat(API.postgres().jdbi().onDemand(PaymentDao.class).findById(id).orElseThrow().failureMessage())
        .as("the operator's text, kept").isEqualTo(raw);
  }
}
