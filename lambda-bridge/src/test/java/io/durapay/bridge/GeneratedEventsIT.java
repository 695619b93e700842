package io.durapay.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.TaskQueues;
import io.durapay.contracts.WorkflowIds;
import io.durapay.contracts.WorkflowStarter;
import io.durapay.devserver.DevServer;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Generated SQS batches through the real handler against the real Temporal server: valid events
 * (raw and SNS-enveloped, some padded with fields we do not know, some redelivered, some sent
 * twice), and bad ones (cut short, wrong types, not ours, huge, an id Temporal refuses), mixed at
 * random in batches of 1 to 10, as SQS delivers them. Each batch must report exactly its bad
 * messages as failed (each by itself), no bad message may start a workflow, a redelivery or a
 * duplicate starts nothing new, and every valid one is started once with the input it carried.
 * Nothing may escape the handler.
 *
 * <p>{@code -Dbridge.generated.batches=N} and {@code -Dbridge.generated.seed=S} run more or other
 * batches; the seed is printed.
 */
class GeneratedEventsIT {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String ROUTE = TaskQueues.PAYMENTS_V2;
  private static final int BATCHES = Integer.getInteger("bridge.generated.batches", 40);
  private static final long SEED = Long.getLong("bridge.generated.seed", 20261202L);
  private static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

  private static DevServer temporal;
  private static WorkflowServiceStubs stubs;
  private static WorkflowClient client;

  @BeforeAll
  static void startTemporal() {
    temporal = DevServer.start(DevServer.Options.forTests(Path.of("target", "temporal-dev-server.log")));
    stubs = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.target()).build());
    client = WorkflowClient.newInstance(stubs);
  }

  @AfterAll
  static void stopTemporal() {
    stubs.shutdownNow();
    temporal.close();
  }

  /** A message to send and whether the handler must take it. */
  private record Generated(SQSMessage message, boolean good, String kind) {}

  /** The payment ids the bad messages carried: none may have a workflow. */
  private static final Set<String> BAD_PAYMENT_IDS = new HashSet<>();

  @Test
  void everyBadMessageIsReportedAloneAndStartsNothingAndEveryGoodOneStartsOnce() {
    PaymentEventsHandler handler =
        new PaymentEventsHandler(new EventDecoder(), new WorkflowStarter(client, ROUTE), 4);
    Random random = new Random(SEED);
    Map<String, PaymentRequest> expected = new LinkedHashMap<>();
    List<SQSMessage> sentGood = new ArrayList<>();
    Map<String, Integer> kinds = new LinkedHashMap<>();
    int messages = 0;

    for (int b = 0; b < BATCHES; b++) {
      List<Generated> batch = new ArrayList<>();
      int size = 1 + random.nextInt(10);
      for (int i = 0; i < size; i++) {
        batch.add(next(random, expected, sentGood));
      }
      SQSEvent event = new SQSEvent();
      event.setRecords(batch.stream().map(Generated::message).toList());

      SQSBatchResponse response = handler.handleRequest(event, null);

      Set<String> bad = new HashSet<>();
      batch.stream().filter(g -> !g.good()).forEach(g -> bad.add(g.message().getMessageId()));
      assertThat(response.getBatchItemFailures()).extracting(BatchItemFailure::getItemIdentifier)
          .as("batch %d (seed %d): %s", b, SEED, batch.stream().map(Generated::kind).toList())
          .containsExactlyInAnyOrderElementsOf(bad);
      batch.forEach(g -> kinds.merge(g.kind(), 1, Integer::sum));
      messages += size;
    }

    // Each valid payment's workflow, read from its history (visibility, listed below, may lag).
    expected.forEach((paymentId, request) ->
        assertThat(input(paymentId)).as("the input of %s", paymentId).isEqualTo(request));
    // And none for a bad message, asked of each workflow id directly.
    for (String paymentId : BAD_PAYMENT_IDS) {
      assertThatThrownBy(() -> client.newUntypedWorkflowStub(WorkflowIds.forPayment(paymentId)).describe())
          .as("a workflow for the bad message of %s", paymentId)
          .isInstanceOf(WorkflowNotFoundException.class);
    }
    // Visibility (the list) catches up with the starts shortly after; then it holds exactly those.
    await().atMost(Duration.ofSeconds(30)).until(() -> openWorkflowIds().size() >= expected.size());
    List<String> open = openWorkflowIds();
    assertThat(open).as("one run per valid payment, none for a bad message (seed %d)", SEED)
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(expected.keySet().stream().map(WorkflowIds::forPayment).toList());
    System.out.printf("generated events: seed %d, %d batches, %d messages, %d workflows started; %s%n",
        SEED, BATCHES, messages, expected.size(), kinds);
  }

  private static Generated next(Random random, Map<String, PaymentRequest> expected, List<SQSMessage> sentGood) {
    int roll = random.nextInt(100);
    if (roll < 25) {
      return good(random, expected, sentGood, "valid raw", Function.identity());
    }
    if (roll < 40) {
      return good(random, expected, sentGood, "valid SNS-enveloped", GeneratedEventsIT::snsEnvelope);
    }
    if (roll < 45) {
      // Unknown fields are ignored (forward compatibility): a large one too, near SQS's 256 KB.
      return good(random, expected, sentGood, "valid with a large unknown field",
          body -> withField(body, "padding", "x".repeat(200_000)));
    }
    if (roll < 52 && !sentGood.isEmpty()) {
      // SQS redelivers: the same message, id and body.
      SQSMessage earlier = sentGood.get(random.nextInt(sentGood.size()));
      return new Generated(message(earlier.getMessageId(), earlier.getBody()), true, "redelivered");
    }
    if (roll < 58 && !sentGood.isEmpty()) {
      // The publisher sent the same event twice: a new message, the same body.
      SQSMessage earlier = sentGood.get(random.nextInt(sentGood.size()));
      return new Generated(message(UUID.randomUUID().toString(), earlier.getBody()), true, "sent twice");
    }
    String badPaymentId = newPaymentId(random);
    BAD_PAYMENT_IDS.add(badPaymentId);
    String body = validBody(random, badPaymentId);
    return switch (random.nextInt(14)) {
      case 0 -> bad(body.substring(0, 1 + random.nextInt(body.length() - 1)), "cut short");
      case 1 -> bad(withData(body, data -> data.put("amount", "4999")), "amount as a string");
      case 2 -> bad(withData(body, data -> data.put("amount", -random.nextInt(1_000_000))), "amount not positive");
      case 3 -> bad(withData(body, data -> data.put("amount", 12.5)), "amount with a fraction");
      case 4 -> bad(withData(body, data -> data.put("amount", 1e30)), "amount too large");
      case 5 -> bad(withData(body, data -> data.put("paymentId", 42)), "payment id a number");
      case 6 -> bad(withData(body, data -> data.remove("currency")), "no currency");
      case 7 -> bad(withField(body, "occurredAt", "yesterday"), "occurredAt not a time");
      case 8 -> bad(withField(body, "type", "payment.completed"), "not ours: another event type");
      case 9 -> bad("{\"Type\":\"SubscriptionConfirmation\",\"Message\":\"confirm\"}", "not ours: SNS confirmation");
      case 10 -> bad(random.nextBoolean() ? "[" + body + "]" : "", "not an object");
      case 11 -> bad(noise(random, 200_000), "huge noise");
      case 12 -> bad(body + " {}", "trailing content");
      default -> bad(withData(body, data -> data.put("paymentId", "pay_" + "X".repeat(1200))),
          "payment id too long for a workflow id");
    };
  }

  private static Generated good(Random random, Map<String, PaymentRequest> expected, List<SQSMessage> sentGood,
      String kind, Function<String, String> wrap) {
    String paymentId = newPaymentId(random);
    String body = validBody(random, paymentId);
    PaymentRequest request;
    try {
      var data = MAPPER.readTree(body).get("data");
      request = new PaymentRequest(paymentId, data.get("merchantId").asText(), data.get("amount").asLong(),
          data.get("currency").asText(), MAPPER.readTree(body).get("correlationId").asText());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    expected.put(paymentId, request);
    SQSMessage message = message(UUID.randomUUID().toString(), wrap.apply(body));
    sentGood.add(message);
    return new Generated(message, true, kind);
  }

  private static Generated bad(String body, String kind) {
    return new Generated(message(UUID.randomUUID().toString(), body), false, kind);
  }

  private static SQSMessage message(String id, String body) {
    SQSMessage message = new SQSMessage();
    message.setMessageId(id);
    message.setBody(body);
    message.setEventSource("aws:sqs");
    message.setEventSourceArn("arn:aws:sqs:eu-west-1:123456789012:payment-processing");
    return message;
  }

  private static String validBody(Random random, String paymentId) {
    ObjectNode event = MAPPER.createObjectNode();
    event.put("id", "evt_" + ulid(random));
    event.put("type", "payment.initiated");
    event.put("occurredAt", "2026-12-02T10:15:30.123Z");
    event.put("correlationId", UUID.randomUUID().toString());
    ObjectNode data = event.putObject("data");
    data.put("paymentId", paymentId);
    data.put("merchantId", "mer_" + ulid(random));
    data.put("amount", 1 + (long) random.nextInt(Integer.MAX_VALUE));
    data.put("currency", List.of("EUR", "USD", "GBP", "JPY").get(random.nextInt(4)));
    data.put("status", "initiated");
    return event.toString();
  }

  private static String snsEnvelope(String body) {
    ObjectNode sns = MAPPER.createObjectNode();
    sns.put("Type", "Notification");
    sns.put("MessageId", UUID.randomUUID().toString());
    sns.put("TopicArn", "arn:aws:sns:eu-west-1:123456789012:payment-events");
    sns.put("Message", body);
    return sns.toString();
  }

  private static String withField(String body, String field, String value) {
    try {
      ObjectNode event = (ObjectNode) MAPPER.readTree(body);
      event.put(field, value);
      return event.toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String withData(String body, java.util.function.Consumer<ObjectNode> change) {
    try {
      ObjectNode event = (ObjectNode) MAPPER.readTree(body);
      change.accept((ObjectNode) event.get("data"));
      return event.toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String noise(Random random, int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append((char) (32 + random.nextInt(95)));
    }
    return text.toString();
  }

  private static String newPaymentId(Random random) {
    return "pay_" + ulid(random);
  }

  private static String ulid(Random random) {
    StringBuilder id = new StringBuilder(26);
    for (int i = 0; i < 26; i++) {
      id.append(CROCKFORD.charAt(random.nextInt(CROCKFORD.length())));
    }
    return id.toString();
  }

  private static PaymentRequest input(String paymentId) {
    Payloads input = client.fetchHistory(WorkflowIds.forPayment(paymentId)).getHistory().getEvents(0)
        .getWorkflowExecutionStartedEventAttributes().getInput();
    return client.getOptions().getDataConverter()
        .fromPayloads(0, Optional.of(input), PaymentRequest.class, PaymentRequest.class);
  }

  /** Every open workflow in the namespace, one entry per run, page by page. */
  private static List<String> openWorkflowIds() {
    List<String> ids = new ArrayList<>();
    com.google.protobuf.ByteString token = com.google.protobuf.ByteString.EMPTY;
    do {
      ListOpenWorkflowExecutionsResponse page = stubs.blockingStub().listOpenWorkflowExecutions(
          ListOpenWorkflowExecutionsRequest.newBuilder().setNamespace(DevServer.NAMESPACE)
              .setMaximumPageSize(1000).setNextPageToken(token).build());
      page.getExecutionsList().stream().map(WorkflowExecutionInfo::getExecution)
          .forEach(execution -> ids.add(execution.getWorkflowId()));
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return ids;
  }
}
