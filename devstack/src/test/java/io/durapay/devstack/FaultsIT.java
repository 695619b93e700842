package io.durapay.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.durapay.apiclient.ApiClient;
import io.durapay.bridge.BridgeConfig;
import io.durapay.bridge.PaymentEventsHandler;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.TaskQueues;
import io.durapay.contracts.WorkflowIds;
import io.durapay.devstack.gateway.SimulatedCharge;
import io.durapay.devstack.webhooks.WebhookDelivery;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults of the parts around a payment, each on the running devstack (sns mode, the real Temporal
 * dev server): a worker JVM killed with charges in flight and its workflows sticky to it, the
 * Temporal server killed under load and restarted on its file, an API JVM killed between its
 * commit and the publish, SNS down under steady load, a bridge that cannot reach Temporal, and
 * PostgreSQL restarted under load. Each test leaves the stack as it
 * found it: API, v1 worker, bridge and database up.
 */
class FaultsIT {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static Stack stack;
  private static Path data;
  private static ApiClient api;
  private static PaymentDao payments;

  @BeforeAll
  static void startStack() throws Exception {
    data = Files.createTempDirectory("durapay-faults-it");
    stack = Stack.start(StackSettings.anyFreePorts(data));
    api = new ApiClient(stack::apiUrl);
    payments = stack.jdbi().onDemand(PaymentDao.class);
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aWorkerKilledWhileItsWorkflowsAreStickyToItIsReplacedAndEachPaymentIsChargedOnceByItsOneIntent()
      throws Exception {
    int adminPort = Ports.resolve(0);
    // The worker keeps the SDK's workflow cache (sticky execution), as on any real server: its
    // workflows' next tasks are routed to its own sticky queue until the server sees it gone.
    Path config = stack.workerConfig("v1", TaskQueues.PAYMENTS_V1, adminPort);
    assertThat(Files.readString(config)).contains("workflowCacheSize: 600");
    stack.stopWorker("v1", TaskQueues.PAYMENTS_V1);
    List<String> ids = new ArrayList<>();
    long doomedPid;
    try (JavaProcess doomed = JavaProcess.start(
        "io.durapay.worker.v1.WorkerV1", List.of("server", config.toString()), data.resolve("doomed-worker.log"))) {
      doomed.awaitHttpOk("http://127.0.0.1:" + adminPort + "/healthcheck", Duration.ofSeconds(60));
      doomedPid = doomed.pid();
      stack.gateway().holdCharges();
      for (int i = 0; i < 3; i++) {
        ids.add(api.createPayment(stack.demoMerchant().apiKey(), "pm_card_visa", "kill -9 #" + i));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> stack.gateway().heldPayments().containsAll(ids));

      assertThat(doomed.kill9()).as("exit status of a SIGKILLed JVM").isEqualTo(137);
    } finally {
      stack.startWorker("v1", TaskQueues.PAYMENTS_V1, 0);
      // The dead worker's requests still wait at the gateway; letting them through charges, as a
      // real gateway would have for a caller that vanished.
      stack.gateway().releaseAll();
    }

    // The charge activity's start-to-close (30 s) expires; the new worker retries it, and the
    // server hands the workflows' next tasks (sticky to the dead worker) to the new one.
    for (String id : ids) {
      assertThat(awaitFinal(id, Duration.ofSeconds(90))).isEqualTo(PaymentStatus.COMPLETED);
      List<SimulatedCharge> charges = chargesOf(id);
      assertThat(charges).hasSize(1);
      assertThat(charges.get(0).idempotencyKey()).startsWith("confirm-" + id + "-");
      // The retry retrieves the intent by the id recorded before the confirm and finds it charged.
      assertThat(stack.gateway().chargeAttempts(id)).as("charge requests: the dead worker's only").isEqualTo(1);
      assertThat(stack.gateway().refunds()).noneMatch(r -> r.paymentId().equals(id));
      assertThat(payments.findById(id).orElseThrow().gatewayReference()).isEqualTo(charges.get(0).intentId());
      assertThat(workflowTaskWorkers(id)).as("workflow tasks completed by the dead worker, then by its successor")
          .allMatch(identity -> identity.startsWith("v1/"))
          .anyMatch(identity -> identity.startsWith("v1/" + doomedPid + "@"))
          .anyMatch(identity -> !identity.startsWith("v1/" + doomedPid + "@"));
    }
  }

  @Test
  void temporalKilledUnderLoadAndRestartedOnItsFileLosesNoPaymentChargesNoneTwiceAndDeliversEveryWebhook()
      throws Exception {
    List<String> accepted = Collections.synchronizedList(new ArrayList<>());
    List<Integer> refusals = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService clients = Executors.newFixedThreadPool(3);
    for (int c = 0; c < 3; c++) {
      clients.submit(() -> {
        while (running.get()) {
          ApiClient.Reply response = api.tryCreatePayment(
              stack.demoMerchant().apiKey(), "pm_card_visa", UUID.randomUUID().toString());
          if (response.status() == 201) {
            accepted.add(readId(response.body()));
          } else {
            refusals.add(response.status());
          }
          // Steady load, not a flood: every payment taken must then be worked off.
          TimeUnit.MILLISECONDS.sleep(200);
        }
        return null;
      });
    }
    boolean down = false;
    try {
      // A few payments before, during and after the outage: each is worked off afterwards.
      await().atMost(Duration.ofSeconds(30)).until(() -> accepted.size() >= 5);
      stack.killTemporal();
      down = true;
      int acceptedWhileDown = accepted.size();
      // The API takes payments without Temporal (they wait in the outbox and SQS).
      await().atMost(Duration.ofSeconds(30)).until(() -> accepted.size() >= acceptedWhileDown + 3);
      stack.restartTemporal();
      down = false;
      int acceptedAfter = accepted.size();
      await().atMost(Duration.ofSeconds(30)).until(() -> accepted.size() >= acceptedAfter + 5);
    } finally {
      if (down) {
        stack.restartTemporal();
      }
      running.set(false);
      clients.shutdown();
      assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    assertThat(refusals).as("the API refuses nothing while Temporal is down").isEmpty();
    List<String> all = List.copyOf(accepted);
    // An event the bridge could not start five times while Temporal was down is in the DLQ: the
    // operator's redrive (safe to repeat: a started workflow is not started again) brings it back.
    await().atMost(Duration.ofSeconds(180)).until(() -> {
      stack.redriveDeadLetters();
      return all.stream().allMatch(id -> payments.findById(id).orElseThrow().status().isFinal());
    });
    assertThat(all).allSatisfy(id -> {
      assertThat(payments.findById(id).orElseThrow().status()).isEqualTo(PaymentStatus.COMPLETED);
      assertThat(chargesOf(id)).as("charges of " + id).hasSize(1);
      assertThat(workflowExists(id)).isTrue();
    });
    await().atMost(Duration.ofSeconds(60)).until(() ->
        all.stream().allMatch(id -> stack.webhooks().deliveriesFor(id).stream().anyMatch(WebhookDelivery::verified)));
  }

  @Test
  void anApiKilledBetweenCommitAndPublishLeavesTheEventInTheOutboxAndItsSuccessorPublishesIt() throws Exception {
    stack.stopApi();
    int port = Ports.resolve(0);
    Path config = stack.apiConfig(Map.of(
            "API_PORT", String.valueOf(port),
            "ADMIN_PORT", String.valueOf(Ports.resolve(0)),
            // Its relay never gets to publish: the process dies with the event committed only.
            "OUTBOX_RELAY_ENABLED", "false",
            "MIGRATE_ON_START", "false"),
        data.resolve("doomed-api.yml"));
    String id;
    try (JavaProcess doomed = JavaProcess.start(
        "io.durapay.api.DurapayApplication", List.of("server", config.toString()), data.resolve("doomed-api.log"))) {
      doomed.awaitHttpOk("http://127.0.0.1:" + port + "/v1/openapi.yaml", Duration.ofSeconds(60));
      id = new ApiClient(() -> "http://127.0.0.1:" + port)
          .createPayment(stack.demoMerchant().apiKey(), "pm_card_visa", "api kill -9");
      assertThat(doomed.kill9()).isEqualTo(137);
      // Between commit and publish: the payment and its event are stored, nothing was sent.
      assertThat(payments.findById(id).orElseThrow().status()).isEqualTo(PaymentStatus.INITIATED);
      assertThat(publishedEventsOf(id)).isZero();
      assertThat(workflowExists(id)).isFalse();
    } finally {
      stack.startApi();
    }
    // Whatever the restarted API's relay has done by now, the payment cannot have been lost: it
    // was committed with its event, and the event is published exactly once.
    assertThat(awaitFinal(id, Duration.ofSeconds(60))).isEqualTo(PaymentStatus.COMPLETED);
    assertThat(chargesOf(id)).hasSize(1);
    assertThat(publishedEventsOf(id)).isEqualTo(1);
    assertThat(workflowExists(id)).isTrue();
  }

  @Test
  void aBridgeThatCannotReachTemporalDeadLettersTheEventAndARedriveCompletesThePayment() throws Exception {
    int nobodyListens = Ports.resolve(0);
    stack.useBridge(new PaymentEventsHandler(BridgeConfig.fromEnvironment(Map.of(
        "TEMPORAL_ADDRESS", "127.0.0.1:" + nobodyListens,
        "TEMPORAL_RPC_TIMEOUT_MS", "300"))));
    String id;
    try {
      id = api.createPayment(stack.demoMerchant().apiKey(), "pm_card_visa", "temporal unreachable");
      // Five receives two seconds apart, then SQS moves it to the dead-letter queue.
      await().atMost(Duration.ofSeconds(60)).until(() -> deadLetters() >= 1);
      assertThat(payments.findById(id).orElseThrow().status()).isEqualTo(PaymentStatus.INITIATED);
      assertThat(workflowExists(id)).isFalse();
    } finally {
      stack.restoreBridge();
    }

    assertThat(stack.redriveDeadLetters()).isGreaterThanOrEqualTo(1);

    assertThat(awaitFinal(id, Duration.ofSeconds(60))).isEqualTo(PaymentStatus.COMPLETED);
    assertThat(chargesOf(id)).hasSize(1);
    assertThat(deadLetters()).isZero();
  }

  @Test
  void snsDownUnderSteadyLoadGrowsTheOutboxReportsTheLagAndPublishesEveryEventOnceAfter() throws Exception {
    List<String> ids = new ArrayList<>();
    stack.stopSns();
    try {
      // A payment every 300 ms or so until health says the outbox lags (threshold 10 s here).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (outboxHealthy()) {
        assertThat(System.nanoTime()).as("outbox lag reported within 60 s").isLessThan(deadline);
        ids.add(api.createPayment(stack.demoMerchant().apiKey(), "pm_card_visa", "sns down"));
        TimeUnit.MILLISECONDS.sleep(300);
      }
      assertThat(ids).isNotEmpty();
      assertThat(ids).allSatisfy(id -> assertThat(publishedEventsOf(id)).isZero());
      assertThat(workflowExists(ids.get(0))).isFalse();
    } finally {
      stack.startSns();
    }

    await().atMost(Duration.ofSeconds(120)).until(() ->
        ids.stream().allMatch(id -> payments.findById(id).orElseThrow().status().isFinal()));
    assertThat(ids).allSatisfy(id -> {
      assertThat(payments.findById(id).orElseThrow().status()).isEqualTo(PaymentStatus.COMPLETED);
      assertThat(publishedEventsOf(id)).isEqualTo(1);
      assertThat(chargesOf(id)).hasSize(1);
    });
    await().atMost(Duration.ofSeconds(30)).until(FaultsIT::outboxHealthy);
  }

  @Test
  void postgresRestartedUnderLoadGivesFast503sThatStoreNothingAndServiceResumesByItself() throws Exception {
    List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService clients = Executors.newFixedThreadPool(4);
    for (int c = 0; c < 4; c++) {
      clients.submit(() -> {
        while (running.get()) {
          String key = UUID.randomUUID().toString();
          ApiClient.Reply response =
              api.tryCreatePayment(stack.demoMerchant().apiKey(), "pm_card_visa", key);
          attempts.add(new Attempt(key, response.status(), response.body()));
        }
        return null;
      });
    }
    boolean down = false;
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> count(attempts, 201) >= 5);
      stack.stopPostgres();
      down = true;
      await().atMost(Duration.ofSeconds(30)).until(() -> count(attempts, 503) >= 5);
      stack.startPostgres();
      down = false;
      int createdBefore = count(attempts, 201);
      // Resumes by itself: new payments are accepted again without restarting anything else.
      await().atMost(Duration.ofSeconds(60)).until(() -> count(attempts, 201) >= createdBefore + 5);
    } finally {
      if (down) {
        stack.startPostgres();
      }
      running.set(false);
      clients.shutdown();
      assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    List<Attempt> all = List.copyOf(attempts);
    assertThat(all).extracting(Attempt::status).containsOnly(201, 503);
    for (Attempt refused : all.stream().filter(a -> a.status() == 503).toList()) {
      assertThat(MAPPER.readTree(refused.body()).path("error").path("code").asText())
          .as(refused.body()).isEqualTo("service_unavailable");
      assertThat(idempotencyRecords(refused.key())).as("nothing stored for a 503").isZero();
    }
    // A refused request retried with its key now goes through: nothing half-done blocks it.
    Attempt refused = all.stream().filter(a -> a.status() == 503).findFirst().orElseThrow();
    assertThat(api.tryCreatePayment(stack.demoMerchant().apiKey(), "pm_card_visa", refused.key()).status())
        .isEqualTo(201);
    // Every accepted payment completes (workers and relay came back by themselves too).
    List<String> accepted = all.stream().filter(a -> a.status() == 201)
        .map(a -> readId(a.body())).toList();
    await().atMost(Duration.ofSeconds(120)).until(() ->
        accepted.stream().allMatch(id -> payments.findById(id).orElseThrow().status().isFinal()));
    assertThat(accepted).allSatisfy(id -> {
      assertThat(payments.findById(id).orElseThrow().status()).isEqualTo(PaymentStatus.COMPLETED);
      assertThat(chargesOf(id)).hasSize(1);
    });
  }

  /** One POST of the load: its idempotency key and the answer. */
  private record Attempt(String key, int status, String body) {}

  /** The API's "outbox" health check: unhealthy when the oldest unpublished event is too old. */
  private static boolean outboxHealthy() throws Exception {
    HttpResponse<String> response = HTTP.send(
        HttpRequest.newBuilder(URI.create(stack.adminUrl() + "/healthcheck")).build(),
        HttpResponse.BodyHandlers.ofString());
    return MAPPER.readTree(response.body()).path("outbox").path("healthy").asBoolean();
  }

  private static int count(List<Attempt> attempts, int status) {
    synchronized (attempts) {
      return (int) attempts.stream().filter(a -> a.status() == status).count();
    }
  }

  private static String readId(String body) {
    try {
      return MAPPER.readTree(body).get("id").asText();
    } catch (Exception e) {
      throw new IllegalStateException(body, e);
    }
  }

  private static PaymentStatus awaitFinal(String id, Duration timeout) {
    await().atMost(timeout).pollDelay(Duration.ZERO).until(() -> payments.findById(id).map(Payment::status).orElseThrow().isFinal());
    return payments.findById(id).orElseThrow().status();
  }

  private static List<SimulatedCharge> chargesOf(String id) {
    return stack.gateway().charges().stream().filter(c -> c.paymentId().equals(id)).toList();
  }

  private static int publishedEventsOf(String id) {
    return stack.jdbi().withHandle(h -> h.createQuery(
            "SELECT count(*) FROM outbox WHERE aggregate_id = :id AND published_at IS NOT NULL")
        .bind("id", id).mapTo(Integer.class).one());
  }

  private static int idempotencyRecords(String key) {
    return stack.jdbi().withHandle(h -> h.createQuery(
            "SELECT count(*) FROM idempotency_records WHERE idempotency_key = :key")
        .bind("key", key).mapTo(Integer.class).one());
  }

  private static int deadLetters() {
    return Integer.parseInt(stack.sqs().getQueueAttributes(r -> r.queueUrl(stack.dlqUrl())
            .attributeNamesWithStrings("ApproximateNumberOfMessages"))
        .attributesAsStrings().get("ApproximateNumberOfMessages"));
  }

  /** The identities of the workers that completed the workflow's tasks, in order. */
  private static List<String> workflowTaskWorkers(String paymentId) {
    return stack.workflowClient().fetchHistory(WorkflowIds.forPayment(paymentId)).getEvents().stream()
        .filter(HistoryEvent::hasWorkflowTaskCompletedEventAttributes)
        .map(e -> e.getWorkflowTaskCompletedEventAttributes().getIdentity())
        .toList();
  }

  private static boolean workflowExists(String paymentId) {
    try {
      stack.workflowClient().getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
          DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace("default")
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId(WorkflowIds.forPayment(paymentId)))
              .build());
      return true;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }
}
