package io.durapay.bench;

import io.dropwizard.testing.DropwizardTestSupport;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentResult;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.WorkflowIds;
import io.durapay.contracts.WorkflowStarter;
import io.durapay.devstack.BenchConfigs;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import io.durapay.worker.WorkerConfiguration;
import io.durapay.worker.v1.WorkerV1;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * N payments end to end on the port-bound test server: the real v1 worker application (its
 * production wiring: Dropwizard, JDBI pool, the real activities on PostgreSQL) against the
 * zero-latency gateway simulator and webhook receiver. Baseline: {@link BaselineWorkflow}, the
 * same number of no-op activities, on a worker with the same settings in the same JVM.
 */
final class WorkflowBench {
  private static final AtomicInteger RUNS = new AtomicInteger();

  private WorkflowBench() {}

  /** Worker settings: activity slots, workflow-task slots, sticky cache size. */
  record Tuning(int activities, int workflowTasks, int cache) {
    static Tuning parse(String text) {
      String[] p = text.split("/");
      return new Tuning(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
    }

    @Override
    public String toString() {
      return "activities " + activities + ", wf tasks " + workflowTasks + ", cache " + cache;
    }
  }

  record Result(int n, double perSecond, Latencies latencies, int completed) {
    String line() {
      return String.format("%6.1f /s, start-to-final %s", perSecond, latencies.summary());
    }
  }

  static void run(Options options) throws Exception {
    int n = options.integer("n", 1000);
    int unloaded = options.integer("unloaded", 50);
    List<Tuning> tunings = List.of(options.text("tunings", "50/20/600").split(",")).stream()
        .map(Tuning::parse).toList();
    try (Rig rig = new Rig(options)) {
      System.out.printf("workflow: %d payments, v1 workflow + the real activities on PostgreSQL, %s%n",
          n, rig.temporal.description());
      // Warm-up of both paths (JIT, pools), not reported.
      payments(rig, tunings.get(0), Math.min(n, 200));
      baseline(rig, tunings.get(0), Math.min(n, 200));
      for (Tuning tuning : tunings) {
        Result payments = payments(rig, tuning, n);
        Result baseline = baseline(rig, tuning, n);
        System.out.printf("  [%s]%n    payments  %s (%d completed)%n    baseline  %s%n    ratio payments/baseline: %.2f (target >= 0.80)%n",
            tuning, payments.line(), payments.completed(), baseline.line(), payments.perSecond() / baseline.perSecond());
      }
      if (unloaded > 0) {
        Result payments = measure(rig, tunings.get(0), unloaded, 1, true);
        Result baseline = measure(rig, tunings.get(0), unloaded, 1, false);
        System.out.printf("  unloaded (one at a time, %d): payment start-to-final %s; baseline %s; p50 ratio %.2f%n",
            unloaded, payments.latencies().summary(), baseline.latencies().summary(),
            payments.latencies().percentileMs(50) / baseline.latencies().percentileMs(50));
      }
    }
  }

  static Result payments(Rig rig, Tuning tuning, int n) throws Exception {
    return measure(rig, tuning, n, 16, true);
  }

  static Result baseline(Rig rig, Tuning tuning, int n) throws Exception {
    return measure(rig, tuning, n, 16, false);
  }

  /** Starts n workflows from {@code starters} threads and waits until all are final. */
  static Result measure(Rig rig, Tuning tuning, int n, int starters, boolean payments) throws Exception {
    String run = "r" + RUNS.incrementAndGet();
    String queue = "bench-" + (payments ? "pay-" : "base-") + run;
    AutoCloseable worker = payments ? paymentWorker(rig, tuning, queue) : baselineWorker(rig.temporal.client(), tuning, queue);
    try {
      WorkflowClient client = rig.temporal.client();
      List<String> ids = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        ids.add("pay_" + run + "_" + i);
      }
      if (payments) {
        insertPayments(rig, ids);
      }
      WorkflowStarter starter = new WorkflowStarter(client, queue);
      Latencies latencies = new Latencies();
      AtomicInteger completed = new AtomicInteger();
      List<CompletableFuture<?>> finals = new ArrayList<>(n);
      ExecutorService pool = Executors.newFixedThreadPool(starters);
      long started = System.nanoTime();
      Consumer<String> start = id -> {
        long t0 = System.nanoTime();
        CompletableFuture<?> done;
        if (payments) {
          starter.start(new PaymentRequest(id, rig.merchant.merchantId(), 4999, "EUR", "bench"));
          done = client.newUntypedWorkflowStub(WorkflowIds.forPayment(id)).getResultAsync(PaymentResult.class)
              .thenAccept(r -> {
                if (r.status() == PaymentStatus.COMPLETED) {
                  completed.incrementAndGet();
                }
              });
        } else {
          WorkflowStub stub = client.newUntypedWorkflowStub("BaselineWorkflow",
              WorkflowOptions.newBuilder().setWorkflowId("base-" + id).setTaskQueue(queue).build());
          stub.start(id);
          done = stub.getResultAsync(String.class).thenAccept(r -> completed.incrementAndGet());
        }
        synchronized (finals) {
          finals.add(done.whenComplete((r, e) -> latencies.add(System.nanoTime() - t0)));
        }
      };
      if (starters == 1) {
        for (String id : ids) {
          start.accept(id);
          finals.get(finals.size() - 1).get(60, TimeUnit.SECONDS);
        }
      } else {
        List<CompletableFuture<Void>> starts = ids.stream()
            .map(id -> CompletableFuture.runAsync(() -> start.accept(id), pool)).toList();
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        CompletableFuture.allOf(finals.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      pool.shutdown();
      return new Result(n, n / seconds, latencies, completed.get());
    } finally {
      worker.close();
    }
  }

  static void insertPayments(Rig rig, List<String> ids) {
    rig.jdbi.useTransaction(h -> {
      PaymentDao dao = h.attach(PaymentDao.class);
      for (String id : ids) {
        dao.create(new Payment(id, rig.merchant.merchantId(), 4999, "EUR", "pm_card_visa", null, "{}",
            null, null, null, null, "bench", Instant.now(), Instant.now()));
      }
    });
  }

  /** The v1 worker application as deployed, with these settings, polling {@code queue}. */
  static AutoCloseable paymentWorker(Rig rig, Tuning tuning, String queue) throws Exception {
    Map<String, String> values = rig.values();
    values.put("TEMPORAL_TASK_QUEUE", queue);
    values.put("WORKER_MAX_CONCURRENT_ACTIVITIES", String.valueOf(tuning.activities()));
    values.put("WORKER_MAX_CONCURRENT_WORKFLOW_TASKS", String.valueOf(tuning.workflowTasks()));
    values.put("WORKER_WORKFLOW_CACHE_SIZE", String.valueOf(tuning.cache()));
    var config = BenchConfigs.worker(values, rig.dir.resolve("worker-" + queue + ".yml"));
    DropwizardTestSupport<WorkerConfiguration> app = new DropwizardTestSupport<>(WorkerV1.class, config.toString());
    app.before();
    return app::after;
  }

  /** A worker built as PaymentWorker builds its own, running the no-op baseline. */
  static AutoCloseable baselineWorker(WorkflowClient client, Tuning tuning, String queue) {
    WorkerFactory factory = WorkerFactory.newInstance(client,
        WorkerFactoryOptions.newBuilder().setWorkflowCacheSize(tuning.cache()).build());
    Worker worker = factory.newWorker(queue, WorkerOptions.newBuilder()
        .setMaxConcurrentActivityExecutionSize(tuning.activities())
        .setMaxConcurrentWorkflowTaskExecutionSize(tuning.workflowTasks())
        .build());
    worker.registerWorkflowImplementationTypes(BaselineWorkflow.Impl.class);
    worker.registerActivitiesImplementations(new BaselineWorkflow.NoopActivitiesImpl());
    factory.start();
    return () -> {
      factory.shutdown();
      factory.awaitTermination(20, TimeUnit.SECONDS);
    };
  }
}
