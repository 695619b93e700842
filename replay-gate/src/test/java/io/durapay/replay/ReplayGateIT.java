package io.durapay.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.PaymentWorkflow;
import io.durapay.contracts.TaskQueues;
import io.durapay.contracts.WorkflowIds;
import io.durapay.contracts.WorkflowStarter;
import io.durapay.devserver.TemporalCli;
import io.durapay.store.Merchant;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import io.durapay.store.ReplayGateRun;
import io.durapay.store.ReplayGateRunDao;
import io.durapay.store.testing.PostgresExtension;
import io.durapay.store.testing.TemporalServer;
import io.durapay.store.testing.TestMerchants;
import io.durapay.worker.testing.ScriptedActivities;
import io.durapay.worker.v1.PaymentWorkflowV1Impl;
import io.durapay.worker.v2.PaymentWorkflowV2Impl;
import io.temporal.client.WorkflowClient;
import io.durapay.contracts.PaymentResult;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate end to end: v1 workflows (and one v2) run on the real Temporal server (the CLI's dev
 * server), their payments are rows in a real PostgreSQL, and the gate replays their histories from
 * a folder (as the SDK and the Temporal CLI export them), by id, from the payments table and by
 * visibility query.
 */
class ReplayGateIT {
  private static final String BLUE = TaskQueues.PAYMENTS_V1;
  private static final String GREEN = TaskQueues.PAYMENTS_V2;

  @RegisterExtension
  @Order(0)
  static final PostgresExtension POSTGRES = new PostgresExtension();

  @RegisterExtension
  @Order(1)
  static final TemporalServer TEMPORAL = new TemporalServer();

  @TempDir
  static Path histories;

  private static final ActivitiesByPayment ACTIVITIES = new ActivitiesByPayment();
  private static final List<ScriptedActivities.Gate> GATES = new ArrayList<>();

  // Blue (v1) workflows through different paths; two still running when the gate runs.
  private static final String COMPLETED = "pay_rg_completed";
  private static final String DECLINED = "pay_rg_declined";
  private static final String CHARGING = "pay_rg_charging";
  private static final String VALIDATING = "pay_rg_validating";
  /** Completed, but created three days ago: outside the default --since 24h. */
  private static final String OLD = "pay_rg_old";
  /** Started on the green queue by v2. */
  private static final String GREEN_COMPLETED = "pay_rg_green";
  /** A payment row whose workflow was never started. */
  private static final String NO_WORKFLOW = "pay_rg_noworkflow";

  private static final List<String> BLUE_IDS = List.of(COMPLETED, DECLINED, CHARGING, VALIDATING, OLD);
  private static String merchantId;

  @BeforeAll
  static void runWorkflowsAndRecordPayments() throws Exception {
    WorkerFactory factory = TEMPORAL.newWorkerFactory();
    Worker blue = factory.newWorker(BLUE);
    blue.registerWorkflowImplementationTypes(PaymentWorkflowV1Impl.class);
    blue.registerActivitiesImplementations(ACTIVITIES);
    Worker green = factory.newWorker(GREEN);
    green.registerWorkflowImplementationTypes(PaymentWorkflowV2Impl.class);
    green.registerActivitiesImplementations(ACTIVITIES);
    factory.start();

    ACTIVITIES.script(COMPLETED, new ScriptedActivities());
    ACTIVITIES.script(DECLINED, new ScriptedActivities().gatewayDeclines("insufficient_funds"));
    ScriptedActivities.Gate charge = ACTIVITIES.script(CHARGING, new ScriptedActivities()).holdCharge();
    ScriptedActivities.Gate validation =
        ACTIVITIES.script(VALIDATING, new ScriptedActivities()).holdValidation();
    GATES.addAll(List.of(charge, validation));
    ACTIVITIES.script(OLD, new ScriptedActivities());
    ACTIVITIES.script(GREEN_COMPLETED, new ScriptedActivities());

    Merchant merchant = TestMerchants.create(POSTGRES.jdbi());
    merchantId = merchant.id();
    PaymentDao payments = POSTGRES.jdbi().onDemand(PaymentDao.class);
    for (String id : List.of(COMPLETED, DECLINED, CHARGING, VALIDATING, OLD, GREEN_COMPLETED, NO_WORKFLOW)) {
      payments.create(new Payment(id, merchant.id(), 2500, "EUR", "pm_card_visa", null, "{}",
          PaymentStatus.INITIATED, null, null, null, "corr-" + id, null, null));
    }
    for (String id : BLUE_IDS) {
      start(id, merchant, BLUE);
    }
    start(GREEN_COMPLETED, merchant, GREEN);

    WorkflowClient client = TEMPORAL.client();
    for (String id : List.of(COMPLETED, DECLINED, OLD, GREEN_COMPLETED)) {
      client.newUntypedWorkflowStub(WorkflowIds.forPayment(id)).getResult(PaymentResult.class);
    }
    charge.awaitStarted();
    validation.awaitStarted();

    // What the workers would have recorded: the route that moved each payment. The payment held at
    // validation has not been moved yet, so its route is unknown to the table.
    for (String id : List.of(COMPLETED, DECLINED, CHARGING, OLD)) {
      payments.recordWorker(id, BLUE, "v1");
    }
    payments.recordWorker(GREEN_COMPLETED, GREEN, "v2");
    POSTGRES.jdbi().useHandle(h -> h.execute(
        "UPDATE payments SET created_at = now() - interval '3 days' WHERE id = ?", OLD));

    // A nested folder, as a repository of recorded histories might keep them per build.
    Files.createDirectories(histories.resolve("v1"));
    for (String id : BLUE_IDS) {
      export(id, histories.resolve("v1"));
    }
    export(GREEN_COMPLETED, histories);
  }

  @AfterAll
  static void releaseHeldSteps() {
    GATES.forEach(ScriptedActivities.Gate::release);
  }

  @Test
  void v2ReplaysEveryRecordedHistory() {
    Run run = gate("--build", "v2", "--histories", histories.toString());

    assertThat(run.exit).as(run.toString()).isZero();
    for (String id : List.of(COMPLETED, DECLINED, CHARGING, VALIDATING, OLD, GREEN_COMPLETED)) {
      assertThat(run.out).containsPattern("(?m)^ok   payment-" + id + " \\(\\d+ events\\)$");
    }
    assertThat(run.out).contains("replayed 6, failed 0 in ");
  }

  @Test
  void v2ReplaysLiveHistoriesByWorkflowOrPaymentId() {
    Run run = gate("--build", "v2", "--temporal", TEMPORAL.target(),
        "--ids", WorkflowIds.forPayment(COMPLETED) + "," + CHARGING + "," + VALIDATING);

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(run.out).contains("ok   payment-" + COMPLETED + " (", "ok   payment-" + CHARGING + " (",
        "ok   payment-" + VALIDATING + " (", "replayed 3, failed 0");
  }

  @Test
  void v2ReplaysTheRecentPaymentsOfTheDatabase() {
    Run run = gate("--build", "v2", "--temporal", TEMPORAL.target(),
        "--database-url", POSTGRES.jdbcUrl(), "--database-user", POSTGRES.user(),
        "--database-password", POSTGRES.password());

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(run.out).contains("skip payment-" + NO_WORKFLOW + ": no workflow", "replayed 5, failed 0");
    for (String id : List.of(COMPLETED, DECLINED, CHARGING, VALIDATING, GREEN_COMPLETED)) {
      assertThat(run.out).contains("ok   payment-" + id + " (");
    }
    assertThat(run.out).doesNotContain(OLD);
  }

  @Test
  void theDatabaseModeTakesOnlyTheBlueQueueWhenAsked() {
    Run run = gate("--build", "v2", "--temporal", TEMPORAL.target(),
        "--database-url", POSTGRES.jdbcUrl(), "--database-user", POSTGRES.user(),
        "--database-password", POSTGRES.password(), "--since", "7d", "--limit", "100",
        "--task-queue", BLUE);

    assertThat(run.exit).as(run.toString()).isZero();
    // The payment held at validation has no route in the table yet; its history says blue.
    for (String id : BLUE_IDS) {
      assertThat(run.out).contains("ok   payment-" + id + " (");
    }
    assertThat(run.out).doesNotContain("ok   payment-" + GREEN_COMPLETED).contains("replayed 5, failed 0");
  }

  @Test
  void givenTheDatabaseTheGateRecordsEachBuildsResultForTheConsole() {
    Run passed = gate("--build", "v2", "--histories", histories.toString(), "--record-to", POSTGRES.jdbcUrl(),
        "--database-user", POSTGRES.user(), "--database-password", POSTGRES.password());
    Run refused = gate("--workflow-class", ReorderedPaymentWorkflow.class.getName(),
        "--histories", histories.resolve("v1").toString(), "--record-to", POSTGRES.jdbcUrl(),
        "--database-user", POSTGRES.user(), "--database-password", POSTGRES.password());

    assertThat(passed.exit).as(passed.toString()).isZero();
    assertThat(refused.exit).as(refused.toString()).isEqualTo(1);
    List<ReplayGateRun> runs = POSTGRES.jdbi().onDemand(ReplayGateRunDao.class).lastPerBuild();
    assertThat(runs).filteredOn(r -> r.build().equals("v2")).singleElement().satisfies(r -> {
      assertThat(r.passed()).isTrue();
      assertThat(r.histories()).isEqualTo(6);
      assertThat(r.failures()).isZero();
      assertThat(r.detail()).isEqualTo("the histories in " + histories.getFileName());
    });
    assertThat(runs).filteredOn(r -> r.build().equals(ReorderedPaymentWorkflow.class.getName())).singleElement()
        .satisfies(r -> {
          assertThat(r.passed()).isFalse();
          assertThat(r.failures()).isPositive();
        });
  }

  @Test
  void aResultThatCannotBeRecordedFailsTheGate() {
    Run run = gate("--build", "v2", "--histories", histories.toString(),
        "--record-to", "jdbc:postgresql://127.0.0.1:1/none", "--database-user", "nobody");

    assertThat(run.exit).as(run.toString()).isEqualTo(1);
    assertThat(run.err).contains("replay-gate: ");
  }

  @Test
  void aBuildThatReordersCommandsWithoutAPatchFails() {
    Run run = gate("--workflow-class", ReorderedPaymentWorkflow.class.getName(),
        "--histories", histories.resolve("v1").toString());

    assertThat(run.exit).as(run.toString()).isEqualTo(1);
    assertThat(run.out)
        .containsPattern("(?m)^FAIL payment-" + COMPLETED
            + " first divergent event: \\d+ EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: .+$")
        .contains("failed 5");
  }

  @Test
  void aV2HistoryDoesNotReplayOnV1() {
    // A rollback to blue after green ran its patched code would break those workflows.
    Run run = gate("--build", "v1", "--temporal", TEMPORAL.target(), "--ids", GREEN_COMPLETED + "," + COMPLETED);

    assertThat(run.exit).as(run.toString()).isEqualTo(1);
    assertThat(run.out).contains("FAIL payment-" + GREEN_COMPLETED + " first divergent event: ",
        "ok   payment-" + COMPLETED + " (", "replayed 2, failed 1");
  }

  @Test
  void aFileThatIsNotAHistoryFailsTheGateWithOneLineThatSaysWhy(@TempDir Path folder) throws Exception {
    Files.writeString(folder.resolve("payment-broken.json"), "{\"events\": 42}");
    Files.writeString(folder.resolve("payment-notjson.json"), "events: [1, 2]");
    Files.writeString(folder.resolve("payment-strange.json"), "{\"events\": [{\"eventType\": \"EVENT_TYPE_NONSENSE\"}]}");

    Run run = gate("--build", "v2", "--histories", folder.toString());

    assertThat(run.exit).as(run.toString()).isEqualTo(1);
    assertThat(run.out.lines().filter(line -> line.startsWith("FAIL ")).toList()).containsExactly(
        "FAIL " + folder.resolve("payment-broken.json") + ": not a workflow history: no \"events\" array;"
            + " expected the JSON of `temporal workflow show --output json` or of WorkflowExecutionHistory.toJson",
        "FAIL " + folder.resolve("payment-notjson.json") + ": not a workflow history: not JSON"
            + " (Unrecognized token 'events': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false'))",
        "FAIL " + folder.resolve("payment-strange.json") + ": not a workflow history: events that are not"
            + " Temporal history events (First event is not WorkflowExecutionStarted but )");
  }

  @Test
  void theGateReadsWhatTheTemporalCliExportsWithAndWithoutShorthandPayloads(@TempDir Path folder) throws Exception {
    for (String id : List.of(COMPLETED, DECLINED, GREEN_COMPLETED)) {
      cliExport(id, folder.resolve("payment-" + id + ".json"));
      cliExport(id, folder.resolve("raw-payment-" + id + ".json"), "--no-json-shorthand-payloads");
    }

    Run run = gate("--build", "v2", "--histories", folder.toString());

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(run.out).contains("replayed 6, failed 0");
    for (String id : List.of(COMPLETED, DECLINED, GREEN_COMPLETED)) {
      assertThat(run.out).containsPattern("(?m)^ok   payment-" + id + " \\(\\d+ events\\)$");
    }
  }

  @Test
  void v2ReplaysTheLiveHistoriesAVisibilityQueryFinds() {
    String query = "DurapayMerchantId='" + merchantId + "' AND ExecutionStatus='Running'";
    await().atMost(Duration.ofSeconds(30)).until(() -> TEMPORAL.client().countWorkflows(query).getCount() == 2);

    Run run = gate("--build", "v2", "--temporal", TEMPORAL.target(), "--query", query);

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(run.out).contains("ok   payment-" + CHARGING + " (", "ok   payment-" + VALIDATING + " (",
        "replayed 2, failed 0");
  }

  @Test
  void theDefaultVisibilityQueryTakesTheRunningAndRecentlyClosedPaymentWorkflowsOfAQueue() {
    await().atMost(Duration.ofSeconds(30)).until(() ->
        TEMPORAL.client().countWorkflows("TaskQueue='" + BLUE + "'").getCount() >= BLUE_IDS.size());

    Run run = gate("--build", "v2", "--temporal", TEMPORAL.target(), "--task-queue", BLUE);

    assertThat(run.exit).as(run.toString()).isZero();
    for (String id : BLUE_IDS) {
      assertThat(run.out).contains("ok   payment-" + id + " (");
    }
    assertThat(run.out).doesNotContain(GREEN_COMPLETED).contains("replayed " + BLUE_IDS.size() + ", failed 0");
    // On v1, the green workflow the default query finds without a queue is refused.
    Run v1 = gate("--build", "v1", "--temporal", TEMPORAL.target(), "--since", "1h");
    assertThat(v1.exit).as(v1.toString()).isEqualTo(1);
    assertThat(v1.out).contains("FAIL payment-" + GREEN_COMPLETED + " first divergent event: ");
  }

  @Test
  void nothingToReplayExitsTwo(@TempDir Path empty) {
    Run run = gate("--build", "v2", "--histories", empty.toString());

    assertThat(run.exit).isEqualTo(2);
    assertThat(run.err).contains("nothing to replay");
    assertThat(gate("--build", "v2", "--histories", empty.resolve("missing").toString()).exit).isEqualTo(2);
    assertThat(gate("--build", "v2", "--temporal", TEMPORAL.target(), "--ids", "pay_rg_unknown").exit)
        .isEqualTo(2);
  }

  @Test
  void badArgumentsExitTwoWithTheUsage() {
    for (String[] args : List.of(
        new String[] {},
        new String[] {"--build", "v3", "--histories", "."},
        new String[] {"--build", "v2"},
        new String[] {"--build", "v2", "--ids", "pay_1"},
        new String[] {"--build", "v2", "--histories", ".", "--ids", "pay_1"},
        new String[] {"--build", "v2", "--histories", ".", "--since", "24h"},
        new String[] {"--build", "v2", "--histories", ".", "--query", "ExecutionStatus='Running'"},
        new String[] {"--build", "v2", "--query", "ExecutionStatus='Running'"},
        new String[] {"--build", "v2", "--temporal", "127.0.0.1:1", "--ids", "pay_1", "--query", "x"},
        new String[] {"--build", "v2", "--temporal", "127.0.0.1:1", "--ids", "pay_1", "--limit", "3"},
        new String[] {"--build", "v2", "--histories"},
        new String[] {"--build", "v2", "--histories", ".", "--verbose", "yes"},
        new String[] {"--workflow-class", "java.lang.String", "--histories", "."})) {
      Run run = gate(args);
      assertThat(run.exit).as(String.join(" ", args)).isEqualTo(2);
      assertThat(run.err).contains("usage: ci/replay-gate --build v1|v2");
      assertThat(run.out).isEmpty();
    }
  }

  @Test
  void replaysThousandsOfHistoriesQuickly(@TempDir Path folder) throws Exception {
    List<Path> recorded;
    try (Stream<Path> files = Files.walk(histories)) {
      recorded = files.filter(p -> p.toString().endsWith(".json")).toList();
    }
    int copies = 1200;
    for (int i = 0; i < copies; i++) {
      Path source = recorded.get(i % recorded.size());
      Files.copy(source, folder.resolve(String.format("payment-copy%05d.json", i)));
    }

    Run run = gate("--build", "v2", "--histories", folder.toString());

    assertThat(run.exit).as(run.err).isZero();
    String summary = run.out.lines().filter(l -> l.startsWith("replayed ")).findFirst().orElseThrow();
    System.out.println("replay-gate throughput: " + summary);
    assertThat(summary).startsWith("replayed " + copies + ", failed 0");
  }

  private static void start(String paymentId, Merchant merchant, String taskQueue) {
    PaymentRequest request = new PaymentRequest(paymentId, merchant.id(), 2500, "EUR", "corr-" + paymentId);
    PaymentWorkflow workflow =
        TEMPORAL.client().newWorkflowStub(PaymentWorkflow.class, WorkflowStarter.options(request, taskQueue));
    WorkflowClient.start(workflow::process, request);
  }

  /** {@code temporal workflow show --output json [extra]} of the real CLI, into {@code file}. */
  private static void cliExport(String paymentId, Path file, String... extra) throws Exception {
    List<String> command = new ArrayList<>(List.of(TemporalCli.require().toString(), "workflow", "show",
        "--address", TEMPORAL.target(), "--workflow-id", WorkflowIds.forPayment(paymentId), "--output", "json"));
    command.addAll(List.of(extra));
    Process cli = new ProcessBuilder(command).redirectOutput(file.toFile())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    assertThat(cli.waitFor()).as(String.join(" ", command)).isZero();
  }

  private static void export(String paymentId, Path folder) throws Exception {
    String workflowId = WorkflowIds.forPayment(paymentId);
    Files.writeString(folder.resolve(workflowId + ".json"),
        TEMPORAL.client().fetchHistory(workflowId).toJson(true));
  }

  private static Run gate(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = ReplayGate.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private record Run(int exit, String out, String err) {}
}
