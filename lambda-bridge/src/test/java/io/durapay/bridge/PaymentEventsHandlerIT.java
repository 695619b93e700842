package io.durapay.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentSearchAttributes;
import io.durapay.contracts.TaskQueues;
import io.durapay.contracts.TemporalConnection;
import io.durapay.contracts.WorkflowIds;
import io.durapay.contracts.WorkflowStarter;
import io.durapay.devserver.DevServer;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * The handler against the real Temporal server (the CLI's dev server, in memory, a fresh one per
 * test: the fixtures' payment ids repeat across tests), fed real SQS event JSON. No worker runs: a
 * start succeeds without one, and the started workflow stays open for the assertions to see.
 */
class PaymentEventsHandlerIT {
  /** The current route; not the default queue, so the tests see that the configured one is used. */
  private static final String ROUTE = TaskQueues.PAYMENTS_V2;

  private DevServer temporal;
  private WorkflowServiceStubs stubs;
  private WorkflowClient client;
  private PaymentEventsHandler handler;

  @BeforeEach
  void startTemporal() {
    temporal = DevServer.start(DevServer.Options.forTests(Path.of("target", "temporal-dev-server.log")));
    stubs = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.target()).build());
    client = WorkflowClient.newInstance(stubs);
    handler = new PaymentEventsHandler(new EventDecoder(), new WorkflowStarter(client, ROUTE), 4);
  }

  @AfterEach
  void stopTemporal() {
    stubs.shutdownNow();
    temporal.close();
  }

  @ParameterizedTest
  @Event(value = "events/sqs-sns-enveloped.json", type = SQSEvent.class)
  void startsAWorkflowForEachSnsEnvelopedMessage(SQSEvent event) {
    SQSBatchResponse response = handler.handleRequest(event, null);

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertStarted("pay_01JDR1A0000000000000000SN1");
    assertThat(input("pay_01JDR1A0000000000000000SN2"))
        .extracting(PaymentRequest::amount, PaymentRequest::currency)
        .containsExactly(120000L, "USD");
    assertThat(openWorkflowIds()).hasSize(2);
  }

  @ParameterizedTest
  @Event(value = "events/sqs-raw.json", type = SQSEvent.class)
  void startsAWorkflowForEachRawMessage(SQSEvent event) {
    SQSBatchResponse response = handler.handleRequest(event, null);

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertStarted("pay_01JDR2B0000000000000000RW1");
    assertStarted("pay_01JDR2B0000000000000000RW2");
    assertThat(input("pay_01JDR2B0000000000000000RW2").amount()).isEqualTo(15);
  }

  @Test
  void aDuplicateMessageSucceedsAndStartsNothingNew() {
    SQSEvent event = EventLoader.loadSQSEvent("events/sqs-duplicate.json");

    SQSBatchResponse response = handler.handleRequest(event, null);

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertStarted("pay_01JDR3C0000000000000000DUP");
    assertThat(openWorkflowIds()).containsExactly("payment-pay_01JDR3C0000000000000000DUP");
  }

  @Test
  void aRedeliveredBatchSucceedsAgainWithTheSameRuns() {
    SQSEvent event = EventLoader.loadSQSEvent("events/sqs-raw.json");
    handler.handleRequest(event, null);
    String runId = describe("pay_01JDR2B0000000000000000RW1").getExecution().getRunId();

    SQSBatchResponse again = handler.handleRequest(event, null);

    assertThat(again.getBatchItemFailures()).isEmpty();
    assertThat(describe("pay_01JDR2B0000000000000000RW1").getExecution().getRunId())
        .isEqualTo(runId);
    assertThat(openWorkflowIds()).hasSize(2);
  }

  @Test
  void aPoisonMessageIsReportedAndStartsNothing() {
    SQSEvent event = EventLoader.loadSQSEvent("events/sqs-poison.json");

    SQSBatchResponse response = handler.handleRequest(event, null);

    assertThat(failedIds(response)).containsExactly(messageIds(event).get(0));
    assertThat(openWorkflowIds()).isEmpty();
  }

  @Test
  void inAMixedBatchOnlyTheBadMessagesAreReported() {
    SQSEvent event = EventLoader.loadSQSEvent("events/sqs-mixed.json");
    List<String> ids = messageIds(event); // good, poison, good, payment.completed, good

    SQSBatchResponse response = handler.handleRequest(event, null);

    assertThat(failedIds(response)).containsExactlyInAnyOrder(ids.get(1), ids.get(3));
    assertStarted("pay_01JDR5E0000000000000000MX1");
    assertStarted("pay_01JDR5E0000000000000000MX2");
    assertStarted("pay_01JDR5E0000000000000000MX3");
    assertThat(openWorkflowIds()).hasSize(3);
  }

  @Test
  void whenTemporalIsUnreachableEveryMessageIsReportedQuickly() throws IOException {
    TemporalConnection connection = configFor(closedPort()).temporalConnection();
    WorkflowServiceStubs stubs = connection.connect(null);
    try {
      PaymentEventsHandler down =
          new PaymentEventsHandler(
              new EventDecoder(), new WorkflowStarter(connection.client(stubs), ROUTE), 4);
      SQSEvent event = EventLoader.loadSQSEvent("events/sqs-mixed.json");

      SQSBatchResponse response =
          assertTimeout(Duration.ofSeconds(5), () -> down.handleRequest(event, null));

      assertThat(failedIds(response)).containsExactlyInAnyOrderElementsOf(messageIds(event));
    } finally {
      stubs.shutdownNow();
    }
  }

  @Test
  void theColdStartConstructorBuildsFromTheEnvironmentWithoutConnecting() throws IOException {
    // Nothing listens on the port: a constructor that connected would fail here.
    PaymentEventsHandler fromEnvironment = new PaymentEventsHandler(configFor(closedPort()));
    SQSEvent event = EventLoader.loadSQSEvent("events/sqs-raw.json");

    SQSBatchResponse response =
        assertTimeout(Duration.ofSeconds(5), () -> fromEnvironment.handleRequest(event, null));

    assertThat(failedIds(response)).containsExactlyInAnyOrderElementsOf(messageIds(event));
  }

  @Test
  void snapStartsPrimingStartsNoWorkflowAndTheFirstMessageAfterItStartsAsUsual() throws Exception {
    Payloads input = handler.priming().prime();

    assertThat(client.getOptions().getDataConverter()
            .fromPayloads(0, Optional.of(input), PaymentRequest.class, PaymentRequest.class)
            .paymentId())
        .isEqualTo("pay_snapstart_priming");
    assertThat(openWorkflowIds()).isEmpty();

    SQSBatchResponse response = handler.handleRequest(EventLoader.loadSQSEvent("events/sqs-raw.json"), null);

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertStarted("pay_01JDR2B0000000000000000RW1");
    assertThat(openWorkflowIds()).hasSize(2);
  }

  @Test
  void snapStartsPrimingOpensNoConnection() throws IOException {
    // Nothing listens on the port: a priming that called Temporal would fail or time out here.
    PaymentEventsHandler unconnected = new PaymentEventsHandler(configFor(closedPort()));

    assertTimeout(Duration.ofSeconds(5), () -> unconnected.priming().beforeCheckpoint(null));
  }

  @Test
  void lambdaCanConstructTheHandlerWithoutArguments() {
    assertThatCode(PaymentEventsHandler::new).doesNotThrowAnyException();
  }

  private static BridgeConfig configFor(int port) {
    return BridgeConfig.fromEnvironment(
        Map.of(
            "TEMPORAL_ADDRESS", "127.0.0.1:" + port,
            "TEMPORAL_TASK_QUEUE", ROUTE,
            "TEMPORAL_RPC_TIMEOUT_MS", "500"));
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private void assertStarted(String paymentId) {
    WorkflowExecutionDescription workflow = describe(paymentId);
    assertThat(workflow.getWorkflowType()).isEqualTo("PaymentWorkflow");
    assertThat(workflow.getTaskQueue()).isEqualTo(ROUTE);
    assertThat(workflow.getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    assertThat(workflow.getTypedSearchAttributes().get(PaymentSearchAttributes.MERCHANT_ID))
        .isEqualTo(input(paymentId).merchantId());
    assertThat(workflow.getTypedSearchAttributes().get(PaymentSearchAttributes.AMOUNT))
        .isEqualTo(input(paymentId).amount());
  }

  private WorkflowExecutionDescription describe(String paymentId) {
    return client.newUntypedWorkflowStub(WorkflowIds.forPayment(paymentId)).describe();
  }

  /** The input the workflow was started with, read back from its history. */
  private PaymentRequest input(String paymentId) {
    Payloads input =
        client
            .fetchHistory(WorkflowIds.forPayment(paymentId))
            .getHistory()
            .getEvents(0)
            .getWorkflowExecutionStartedEventAttributes()
            .getInput();
    return client
        .getOptions()
        .getDataConverter()
        .fromPayloads(0, Optional.of(input), PaymentRequest.class, PaymentRequest.class);
  }

  /** Every open workflow in the namespace, one entry per run. */
  private List<String> openWorkflowIds() {
    return stubs
        .blockingStub()
        .listOpenWorkflowExecutions(
            ListOpenWorkflowExecutionsRequest.newBuilder()
                .setNamespace(DevServer.NAMESPACE)
                .build())
        .getExecutionsList()
        .stream()
        .map(WorkflowExecutionInfo::getExecution)
        .map(WorkflowExecution::getWorkflowId)
        .toList();
  }

  private static List<String> failedIds(SQSBatchResponse response) {
    return response.getBatchItemFailures().stream()
        .map(BatchItemFailure::getItemIdentifier)
        .toList();
  }

  private static List<String> messageIds(SQSEvent event) {
    return event.getRecords().stream().map(SQSMessage::getMessageId).toList();
  }
}
