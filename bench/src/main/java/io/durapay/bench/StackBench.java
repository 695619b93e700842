package io.durapay.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.durapay.apiclient.ApiClient;
import io.durapay.contracts.WorkflowIds;
import io.durapay.devstack.Stack;
import io.durapay.devstack.StackSettings;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The whole devstack in this JVM ({@link Stack}: API, relay, SNS emulator, ElasticMQ, event-source
 * mapping and bridge handler, or direct mode; worker-v1; Temporal; PostgreSQL), driven through
 * the public REST API. {@code latency}: one payment at a time from POST to its final state, with
 * where the time went (the outbox's {@code published_at} is the relay transaction's {@code now()}:
 * when the pass that published the event began, before the publish call). {@code growth}: payments in stages up to 10 000, with throughput, heap,
 * resident size, database size and outbox lag after each stage.
 *
 * <p>Long because it holds both benchmarks, latency (with its split by phase and the no-op
 * baseline) and growth (staged load with machine figures after each stage); they stay in one class
 * because both drive the same in-JVM stack through the same start and post helpers.
 */
final class StackBench {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Stack stack;
  private final ApiClient api;
  private final String apiKey;

  private StackBench(Stack stack) {
    this.stack = stack;
    this.api = new ApiClient(stack::apiUrl);
    this.apiKey = stack.demoMerchant().apiKey();
  }

  /** {@code temporal=dev} (the real server, the default) or {@code test} (the in-memory test server). */
  static Stack start(String mode, Options options) throws Exception {
    Path dir = Files.createTempDirectory("durapay-bench-stack");
    StackSettings any = StackSettings.anyFreePorts(dir);
    return Stack.start(new StackSettings(any.dataDir(), 0, 0, 0, 0, 0, 0, 0, 0, -1, any.workers(), any.route(),
        mode, options.text("temporal", "dev").equals("test")
            ? StackSettings.EmbeddedTemporal.TEST_SERVER : StackSettings.EmbeddedTemporal.DEV_SERVER,
        StackSettings.External.NONE));
  }

  /** POSTs one payment; its id, or null when the answer is not 201. */
  String post() {
    ApiClient.Reply response = Api.postPayment(api, apiKey);
    return response.status() == 201 ? response.json().get("id").asText() : null;
  }

  String status(String id) {
    return stack.jdbi().withHandle(h -> h.select("SELECT status FROM payments WHERE id = ?", id)
        .mapTo(String.class).one());
  }

  static boolean isFinal(String status) {
    return status.equals("completed") || status.equals("failed") || status.equals("cancelled");
  }

  // ---------------------------------------------------------------------------------- latency

  static void latency(Options options) throws Exception {
    int n = options.integer("n", 30);
    String mode = options.text("mode", "sns");
    try (Stack stack = start(mode, options)) {
      StackBench bench = new StackBench(stack);
      System.out.printf("latency: one payment at a time, POST to final state, devstack in %s mode (relay poll 100 ms), temporal=%s%n",
          mode, options.text("temporal", "dev"));
      bench.oneAtATime(5, null); // warm-up
      Latencies total = new Latencies();
      Latencies toPublished = new Latencies();
      Latencies publishedToStart = new Latencies();
      Latencies startToFinal = new Latencies();
      List<String> paymentIds =
          bench.oneAtATime(n, new Latencies[] {total, toPublished, publishedToStart, startToFinal});
      HistorySteps paymentSteps = new HistorySteps();
      paymentIds.forEach(id -> paymentSteps.add(stack.workflowClient(), WorkflowIds.forPayment(id)));
      HistorySteps baselineSteps = new HistorySteps();
      Latencies baseline = baselineUnloaded(stack.workflowClient(), n, baselineSteps);
      System.out.printf("  POST -> final (client-observed)        %s%n", total.summary());
      System.out.printf("  outbox row -> relay pass (wake-up)     %s%n", toPublished.summary());
      System.out.printf("  relay pass -> workflow started         %s%s%n", publishedToStart.summary(),
          mode.equals("direct") ? "  (the start call itself)" : "  (SNS emulator -> ElasticMQ -> event-source mapping -> bridge -> start)");
      System.out.printf("  workflow started -> final status row   %s%n", startToFinal.summary());
      System.out.printf("  baseline no-op workflow, start -> result %s%n", baseline.summary());
      System.out.printf("  ratio POST->final / baseline: p50 %.2f, p99 %.2f (target in direct mode <= 2)%n",
          total.percentileMs(50) / baseline.percentileMs(50), total.percentileMs(99) / baseline.percentileMs(99));
      System.out.println("  inside the payment workflow (from its history):");
      paymentSteps.print("    ");
      System.out.println("  inside the baseline no-op workflow (from its history):");
      baselineSteps.print("    ");
    }
  }

  /** n payments one after the other; each waits for its final state (polled every 2 ms). Returns their ids. */
  List<String> oneAtATime(int n, Latencies[] into) throws Exception {
    List<String> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      String id = post();
      if (id == null) {
        throw new IllegalStateException("POST was refused");
      }
      long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
      while (!isFinal(status(id))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(id + " not final after 60 s");
        }
        Thread.sleep(2);
      }
      long elapsed = System.nanoTime() - t0;
      ids.add(id);
      if (into != null) {
        into[0].add(elapsed);
        Map<String, Object> row = stack.jdbi().withHandle(h -> h.select("""
            SELECT o.created_at AS queued, o.published_at AS published, p.updated_at AS final
            FROM outbox o JOIN payments p ON p.id = o.aggregate_id
            WHERE o.aggregate_id = ? AND o.event_type = 'payment.initiated'""", id).mapToMap().one());
        Instant queued = ((java.sql.Timestamp) row.get("queued")).toInstant();
        Instant published = ((java.sql.Timestamp) row.get("published")).toInstant();
        Instant done = ((java.sql.Timestamp) row.get("final")).toInstant();
        Instant started = workflowStart(id);
        into[1].add(Duration.between(queued, published).toNanos());
        into[2].add(Math.max(0, Duration.between(published, started).toNanos()));
        into[3].add(Duration.between(started, done).toNanos());
      }
    }
    return ids;
  }

  private Instant workflowStart(String paymentId) {
    WorkflowClient client = stack.workflowClient();
    var info = client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
        DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(client.getOptions().getNamespace())
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(WorkflowIds.forPayment(paymentId)))
            .build()).getWorkflowExecutionInfo();
    return Instant.ofEpochSecond(info.getStartTime().getSeconds(), info.getStartTime().getNanos());
  }

  /** The no-op baseline workflow (5 no-op activities), one at a time, on the stack's Temporal. */
  static Latencies baselineUnloaded(WorkflowClient client, int n, HistorySteps steps) throws Exception {
    String queue = "bench-baseline-unloaded";
    try (AutoCloseable worker = WorkflowBench.baselineWorker(client, new WorkflowBench.Tuning(50, 20, 600), queue)) {
      Latencies latencies = new Latencies();
      for (int i = -5; i < n; i++) {
        long t0 = System.nanoTime();
        WorkflowStub stub = client.newUntypedWorkflowStub("BaselineWorkflow",
            WorkflowOptions.newBuilder().setWorkflowId("base-unloaded-" + UUID.randomUUID()).setTaskQueue(queue).build());
        stub.start("x");
        stub.getResult(String.class);
        if (i >= 0) {
          latencies.add(System.nanoTime() - t0);
          steps.add(client, stub.getExecution().getWorkflowId());
        }
      }
      return latencies;
    }
  }

  // ---------------------------------------------------------------------------------- growth

  /** One stage of the growth run: figures after the total reached {@code total}. */
  record Stage(int total, int added, double ingestPerSecond, double ingestP99Ms, double workflowsPerSecond,
      double outboxLagMaxMs, double outboxLagP99Ms, long heapAfterGcMb, long residentMb, long databaseMb) {}

  static void growth(Options options) throws Exception {
    List<Integer> sizes = options.integers("sizes", "1000,2500,5000,10000");
    int clients = options.integer("clients", 8);
    String mode = options.text("mode", "sns");
    String gate = options.text("gate", "");
    Path png = Path.of(options.text("png", "bench/growth.png"));
    List<Stage> stages = new ArrayList<>();
    try (Stack stack = start(mode, options)) {
      StackBench bench = new StackBench(stack);
      System.out.printf("growth: payments through the devstack (%s mode, API + relay + worker-v1 + PostgreSQL in this JVM, temporal=%s), %d clients POSTing%n",
          mode, options.text("temporal", "dev"), clients);
      System.out.printf("  start: heap after GC %d MB, resident %d MB, database %d MB%n",
          Machine.usedHeapMb(), residentMb(), bench.databaseMb());
      System.out.println("   total  added  ingest/s  ingest p99 ms  workflows/s  outbox lag max/p99 ms  heap MB  RSS MB  db MB");
      int done = 0;
      for (int target : sizes) {
        awaitGate(gate, target);
        Stage stage = bench.stage(done, target, clients);
        stages.add(stage);
        done = target;
        System.out.printf("  %6d  %5d  %8.0f  %13.1f  %11.1f  %10.0f / %-8.0f  %7d  %6d  %5d%n",
            stage.total(), stage.added(), stage.ingestPerSecond(), stage.ingestP99Ms(), stage.workflowsPerSecond(),
            stage.outboxLagMaxMs(), stage.outboxLagP99Ms(), stage.heapAfterGcMb(), stage.residentMb(), stage.databaseMb());
        signalGate(gate, target);
      }
    }
    GrowthPlot.write(stages, png);
    System.out.println("  plot: " + png);
  }

  private Stage stage(int before, int target, int clients) throws Exception {
    int count = target - before;
    long firstId = stack.jdbi().withHandle(h -> h.select("SELECT coalesce(max(id), 0) FROM outbox").mapTo(Long.class).one());
    AtomicInteger left = new AtomicInteger(count);
    AtomicLong refused = new AtomicLong();
    Latencies latencies = new Latencies();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long t0 = System.nanoTime();
    List<Future<?>> running = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      running.add(pool.submit(() -> {
        while (left.getAndDecrement() > 0) {
          long s = System.nanoTime();
          if (post() == null) {
            refused.incrementAndGet();
          }
          latencies.add(System.nanoTime() - s);
        }
        return null;
      }));
    }
    for (Future<?> f : running) {
      f.get();
    }
    pool.shutdown();
    double ingestSeconds = (System.nanoTime() - t0) / 1e9;
    if (refused.get() > 0) {
      throw new IllegalStateException(refused.get() + " POSTs were refused");
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
    while (finalCount() < target) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("payments not final after 15 minutes: " + finalCount() + " of " + target);
      }
      Thread.sleep(100);
    }
    double allSeconds = (System.nanoTime() - t0) / 1e9;
    double[] lag = stack.jdbi().withHandle(h -> h.select("""
        SELECT 1000 * max(extract(epoch FROM published_at - created_at)),
               1000 * percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM published_at - created_at))
        FROM outbox WHERE id > ? AND event_type = 'payment.initiated'""", firstId)
        .map((rs, ctx) -> new double[] {rs.getDouble(1), rs.getDouble(2)}).one());
    return new Stage(target, count, count / ingestSeconds, latencies.percentileMs(99), count / allSeconds,
        lag[0], lag[1], Machine.usedHeapMb(), residentMb(), databaseMb());
  }

  private int finalCount() {
    return stack.jdbi().withHandle(h -> h.select(
        "SELECT count(*) FROM payments WHERE merchant_id = ? AND status IN ('completed', 'failed', 'cancelled')",
        stack.demoMerchant().merchantId()).mapTo(Integer.class).one());
  }

  private long databaseMb() {
    return stack.jdbi().withHandle(h -> h.select("SELECT pg_database_size(current_database())").mapTo(Long.class).one()) >> 20;
  }

  /** This JVM's resident set (VmRSS), in MB; -1 where /proc is not there. */
  static long residentMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
        }
      }
    } catch (java.io.IOException e) {
      return -1;
    }
    return -1;
  }

  /**
   * With {@code gate=PREFIX}, each stage waits for the file {@code PREFIX.N} and writes
   * {@code PREFIX.N.done} when finished, so a wrapper can hold a machine-wide lock stage by stage
   * while the idle stack waits in between.
   */
  private static void awaitGate(String gate, int stage) throws InterruptedException {
    if (gate.isEmpty()) {
      return;
    }
    while (!Files.exists(Path.of(gate + "." + stage))) {
      Thread.sleep(200);
    }
  }

  private static void signalGate(String gate, int stage) throws java.io.IOException {
    if (!gate.isEmpty()) {
      Files.writeString(Path.of(gate + "." + stage + ".done"), "");
    }
  }
}
