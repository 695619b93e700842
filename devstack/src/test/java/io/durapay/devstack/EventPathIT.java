package io.durapay.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durapay.apiclient.ApiClient;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.WorkflowIds;
import io.durapay.store.PaymentDao;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.filter.v1.WorkflowExecutionFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole path on the devstack parts: REST → outbox → SNS emulator → ElasticMQ → event-source
 * mapping → the Lambda handler → Temporal → worker-v1 → PostgreSQL, the gateway simulator and the
 * merchant's webhook endpoint.
 */
class EventPathIT {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static Stack stack;
  private static final ApiClient API = new ApiClient(() -> stack.apiUrl());
  private static Path data;

  @BeforeAll
  static void startStack() throws Exception {
    data = Files.createTempDirectory("durapay-devstack-it");
    stack = Stack.start(StackSettings.anyFreePorts(data));
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  /**
   * One correlation id, sent with the POST, is on every line the payment's path logs — the API's,
   * the bridge's start, the worker's charge and webhook activities (carried by the workflow's
   * headers) — and in the webhook the merchant receives.
   */
  @Test
  void oneCorrelationIdFollowsThePaymentFromThePostToTheWebhook() throws Exception {
    String correlationId = "trace-" + UUID.randomUUID();
    ApiClient.Reply response = API.request("POST", "/v1/payments")
        .bearer(stack.demoMerchant().apiKey())
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .header("X-Correlation-Id", correlationId)
        .json("{\"amount\":990,\"currency\":\"EUR\",\"paymentMethod\":\"pm_card_visa\"}")
        .send();
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    String paymentId = response.json().get("id").asText();
    await().atMost(Duration.ofSeconds(60)).until(() -> !stack.webhooks().deliveriesFor(paymentId).isEmpty());

    assertThat(stack.webhooks().deliveriesFor(paymentId).get(0).correlationId()).isEqualTo(correlationId);
    Path log = data.resolve(ConsoleLogs.FILE);
    String tagged = "[" + correlationId + "] [" + paymentId + "]";
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Files.readAllLines(log).stream()
            .filter(line -> line.contains(tagged)).toList())
        .anySatisfy(line -> assertThat(line).contains("PaymentsResource: payment " + paymentId + " initiated"))
        .anySatisfy(line -> assertThat(line).contains("PaymentEventsHandler: Started the workflow of payment " + paymentId))
        .anySatisfy(line -> assertThat(line).contains("GatewayActivitiesImpl: payment " + paymentId + ": charged"))
        .anySatisfy(line -> assertThat(line).contains("WebhookActivitiesImpl: payment " + paymentId + ": webhook")));
  }

  private static String createPayment(String token) {
    ApiClient.Reply response = API.request("POST", "/v1/payments")
        .bearer(stack.demoMerchant().apiKey())
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .json("{\"amount\":1250,\"currency\":\"EUR\",\"paymentMethod\":\"" + token + "\"}")
        .send();
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    return response.json().get("id").asText();
  }

  private static PaymentStatus awaitFinal(String paymentId) {
    PaymentDao payments = stack.jdbi().onDemand(PaymentDao.class);
    // No poll delay: a payment already final is read at once (the race below awaits 100 in turn).
    await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO)
        .until(() -> payments.findById(paymentId).orElseThrow().status().isFinal());
    return payments.findById(paymentId).orElseThrow().status();
  }

  private static long chargesOf(String paymentId) {
    return stack.gateway().charges().stream().filter(c -> c.paymentId().equals(paymentId)).count();
  }

  /** Runs of the payment's workflow, open and closed: a duplicate start would show as a second. */
  private static int workflowRuns(String paymentId) {
    var stub = stack.workflowClient().getWorkflowServiceStubs().blockingStub();
    var filter = WorkflowExecutionFilter.newBuilder().setWorkflowId(WorkflowIds.forPayment(paymentId)).build();
    int open = stub.listOpenWorkflowExecutions(ListOpenWorkflowExecutionsRequest.newBuilder()
        .setNamespace("default").setExecutionFilter(filter).setMaximumPageSize(10).build()).getExecutionsCount();
    int closed = stub.listClosedWorkflowExecutions(ListClosedWorkflowExecutionsRequest.newBuilder()
        .setNamespace("default").setExecutionFilter(filter).setMaximumPageSize(10).build()).getExecutionsCount();
    return open + closed;
  }

  @Test
  void paymentsTravelTheWholePathToTheirFinalStates() throws Exception {
    String succeeded = createPayment("pm_card_visa");
    String declined = createPayment("pm_card_chargeDeclined");

    assertThat(awaitFinal(succeeded)).isEqualTo(PaymentStatus.COMPLETED);
    assertThat(awaitFinal(declined)).isEqualTo(PaymentStatus.FAILED);
    assertThat(chargesOf(succeeded)).isEqualTo(1);
    assertThat(chargesOf(declined)).isZero();
    await().atMost(Duration.ofSeconds(15)).until(() ->
        stack.webhooks().deliveriesFor(succeeded).stream().anyMatch(d -> d.verified())
            && stack.webhooks().deliveriesFor(declined).stream().anyMatch(d -> d.verified()));
    JsonNode description = MAPPER.readTree(data.resolve("devstack.json").toFile());
    assertThat(description.get("api").asText()).isEqualTo(stack.apiUrl());
    assertThat(description.get("demoMerchant").get("apiKey").asText()).isEqualTo(stack.demoMerchant().apiKey());
  }

  @Test
  void theSameMessageDeliveredTwiceAndTheSameEventPublishedTwiceGiveOneWorkflowAndOneCharge()
      throws Exception {
    String paymentId = createPayment("pm_card_visa");
    assertThat(awaitFinal(paymentId)).isEqualTo(PaymentStatus.COMPLETED);

    // The same event relayed again by the outbox (publish, then a crash before it was marked).
    stack.jdbi().useHandle(h -> h.execute(
        "UPDATE outbox SET published_at = NULL WHERE aggregate_id = ?", paymentId));
    // And the same SQS message delivered twice more, as SQS may.
    String payload = stack.jdbi().withHandle(h -> h.select(
        "SELECT payload FROM outbox WHERE aggregate_id = ?", paymentId).mapTo(String.class).one());
    stack.sqs().sendMessage(r -> r.queueUrl(stack.queueUrl()).messageBody(payload));
    stack.sqs().sendMessage(r -> r.queueUrl(stack.queueUrl()).messageBody(payload));

    await().atMost(Duration.ofSeconds(20)).until(() -> stack.jdbi().withHandle(h -> h.select(
        "SELECT count(*) FROM outbox WHERE published_at IS NULL").mapTo(Long.class).one()) == 0);
    await().atMost(Duration.ofSeconds(20)).until(() -> queueIsDrained(stack.queueUrl()));
    assertThat(workflowRuns(paymentId)).isEqualTo(1);
    assertThat(chargesOf(paymentId)).isEqualTo(1);
  }

  @Test
  void aPoisonMessageLandsInTheDeadLetterQueueWhileItsBatchMatesComplete() throws Exception {
    String first = createPayment("pm_card_visa");
    String second = createPayment("pm_card_visa");
    stack.sqs().sendMessage(r -> r.queueUrl(stack.queueUrl()).messageBody("{\"not\":\"ours\"}"));

    assertThat(awaitFinal(first)).isEqualTo(PaymentStatus.COMPLETED);
    assertThat(awaitFinal(second)).isEqualTo(PaymentStatus.COMPLETED);
    // Redelivered until maxReceiveCount (5), then moved to the DLQ by the queue's redrive policy.
    await().atMost(Duration.ofSeconds(60)).until(() -> dlqBodies().contains("{\"not\":\"ours\"}"));
  }

  /**
   * Issue 20, item 1, on the whole path: {@value #PAIRS} create → cancel pairs from {@value #CLIENTS}
   * clients at once, each cancel sent the moment its create answered, so every cancel races the bridge's start of
   * the workflow (outbox → SNS → SQS → Lambda handler). No cancel of a payment that is not final
   * is refused; each payment ends cancelled (charged and refunded, or never charged) or, where the
   * cancel came after its last step, completed; none fails and none is charged for a cancel.
   */
  private static final int PAIRS = 100;
  private static final int CLIENTS = 4;

  @Test
  void aCancelRacingTheBridgesStartIsNeverRefusedAndNothingIsChargedForIt() throws Exception {
    long started = System.nanoTime();
    Map<String, ApiClient.Reply> cancels = Collections.synchronizedMap(new LinkedHashMap<>());
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    try {
      List<Future<?>> sent = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        sent.add(clients.submit(() -> {
          for (int i = 0; i < PAIRS / CLIENTS; i++) {
            String id = createPayment("pm_card_visa");
            cancels.put(id, API.request("POST", "/v1/payments/" + id + "/cancel")
                .bearer(stack.demoMerchant().apiKey()).send());
          }
          return null;
        }));
      }
      for (Future<?> client : sent) {
        client.get(120, TimeUnit.SECONDS);
      }
    } finally {
      clients.shutdownNow();
    }
    assertThat(cancels).hasSize(PAIRS);

    System.out.printf("cancel race: %d pairs sent in %d ms%n", PAIRS, (System.nanoTime() - started) / 1_000_000);
    Map<PaymentStatus, Integer> ended = new EnumMap<>(PaymentStatus.class);
    for (Map.Entry<String, ApiClient.Reply> pair : cancels.entrySet()) {
      String id = pair.getKey();
      ApiClient.Reply cancel = pair.getValue();
      if (cancel.status() != 202) {
        // Refused only as final, and only for a payment that had already completed.
        assertThat(cancel.status()).as("%s: %s", id, cancel.body()).isEqualTo(409);
        assertThat(cancel.error("message"))
            .as(id).startsWith("The payment is already completed");
      }
      PaymentStatus status = awaitFinal(id);
      ended.merge(status, 1, Integer::sum);
      assertThat(status).as("%s after a cancel answered %d", id, cancel.status())
          .isIn(PaymentStatus.CANCELLED, PaymentStatus.COMPLETED);
      long refunds = stack.gateway().refunds().stream().filter(r -> r.paymentId().equals(id)).count();
      assertThat(chargesOf(id) - refunds).as("%s: net charges", id)
          .isEqualTo(status == PaymentStatus.COMPLETED ? 1 : 0);
    }
    System.out.printf("cancel race: all final after %d ms: %s%n", (System.nanoTime() - started) / 1_000_000, ended);
    assertThat(ended).as("how the pairs ended").containsKey(PaymentStatus.CANCELLED);
  }

  private static List<String> dlqBodies() {
    return stack.sqs().receiveMessage(r -> r.queueUrl(stack.dlqUrl()).maxNumberOfMessages(10).waitTimeSeconds(1))
        .messages().stream().map(m -> m.body()).toList();
  }

  private static boolean queueIsDrained(String queueUrl) {
    var attributes = stack.sqs().getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNamesWithStrings(
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")).attributesAsStrings();
    return "0".equals(attributes.get("ApproximateNumberOfMessages"))
        && "0".equals(attributes.get("ApproximateNumberOfMessagesNotVisible"));
  }
}
