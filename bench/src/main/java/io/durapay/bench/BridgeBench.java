package io.durapay.bench;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.durapay.bridge.BridgeConfig;
import io.durapay.bridge.PaymentEventsHandler;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.TemporalConnection;
import io.durapay.contracts.WorkflowStarter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Workflow starts per second through the Lambda handler, SQS batches of 10, against a
 * port-bound test server; baseline: a plain sequential loop of {@code WorkflowClient.start}
 * (through {@link WorkflowStarter}, the same call the handler makes) on the same server.
 * No worker polls: only the starts are measured.
 *
 * <p>With the server in this JVM a start is mostly CPU, which starting ten at once cannot save. So
 * the comparison is repeated for each round-trip time of {@code rtt}: above 0 ms both sides reach
 * the server through a {@link DelayProxy} adding half of it each way, as a network would; 0 ms is
 * the direct connection. Both sides get their client from the same {@link BridgeConfig}, so they
 * make the same calls with the same options. Each measurement runs whole batches (or starts) for
 * {@code seconds}, so a high round-trip time means fewer of them, not a longer run.
 */
final class BridgeBench {
  private static final String QUEUE = "bench-bridge";
  private static final int BATCH = 10;

  private BridgeBench() {}

  static void run(Options options) {
    List<Integer> rtts = options.integers("rtt", "0,2,5,10,20");
    long measureNanos = Duration.ofSeconds(options.integer("seconds", 3)).toNanos();
    int rounds = options.integer("rounds", 3);
    System.out.printf("bridge: SQS batches of %d through PaymentEventsHandler vs a plain loop of WorkflowStarter.start,"
        + " %d s per measurement, after one warm-up measurement of each per round-trip time%n",
        BATCH, measureNanos / 1_000_000_000L);
    System.out.println("  rtt ms  round  handler starts/s  ms/batch  loop starts/s  ms/start   ratio (target >= 5x)");
    try (TemporalServer temporal = TemporalServer.of(options)) {
      System.out.println("  on the " + temporal.description());
      for (int rtt : rtts) {
        if (rtt == 0) {
          compare(temporal.target(), rtt, rounds, measureNanos);
        } else {
          try (DelayProxy proxy = new DelayProxy(temporal.port(), Duration.ofMillis(rtt).dividedBy(2))) {
            compare(proxy.target(), rtt, rounds, measureNanos);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }
    }
  }

  /** Handler and loop on one target, each with its own connection to it, as many rounds as asked. */
  private static void compare(String target, int rtt, int rounds, long measureNanos) {
    BridgeConfig config = BridgeConfig.fromEnvironment(Map.of(
        "TEMPORAL_ADDRESS", target, "TEMPORAL_TASK_QUEUE", QUEUE));
    // The handler has no close (a Lambda never closes it): its idle channel stays until the JVM exits.
    PaymentEventsHandler handler = new PaymentEventsHandler(config);
    TemporalConnection connection = config.temporalConnection();
    WorkflowServiceStubs stubs = connection.connect(null);
    try {
      WorkflowStarter loop = new WorkflowStarter(connection.client(stubs), config.taskQueue());
      String run = "rtt" + rtt + "_";
      // Warm-up (JIT, and on each round-trip time the new connections), not reported.
      viaHandler(handler, run + "warm", measureNanos);
      viaLoop(loop, run + "warmloop", measureNanos);
      for (int round = 1; round <= rounds; round++) {
        Rate handled = viaHandler(handler, run + "h" + round, measureNanos);
        Rate looped = viaLoop(loop, run + "l" + round, measureNanos);
        System.out.printf("  %6d  %5d  %16.0f  %8.2f  %13.0f  %8.2f  %5.2fx%n",
            rtt, round, handled.perSecond(), handled.millisEach(BATCH), looped.perSecond(),
            looped.millisEach(1), handled.perSecond() / looped.perSecond());
      }
    } finally {
      stubs.shutdownNow();
    }
  }

  private static Rate viaHandler(PaymentEventsHandler handler, String run, long measureNanos) {
    long started = System.nanoTime();
    int starts = 0;
    while (System.nanoTime() - started < measureNanos) {
      SQSBatchResponse response = handler.handleRequest(SqsBatches.batch(run, starts, BATCH), null);
      if (!response.getBatchItemFailures().isEmpty()) {
        throw new IllegalStateException("batch item failures: " + response.getBatchItemFailures().size());
      }
      starts += BATCH;
    }
    return new Rate(starts, System.nanoTime() - started);
  }

  private static Rate viaLoop(WorkflowStarter starter, String run, long measureNanos) {
    long started = System.nanoTime();
    int starts = 0;
    while (System.nanoTime() - started < measureNanos) {
      String id = "pay_" + run + "_" + starts;
      starter.start(new PaymentRequest(id, "mer_bench", 4999, "EUR", "bench"));
      starts++;
    }
    return new Rate(starts, System.nanoTime() - started);
  }

  /** Starts made in a measured time. */
  private record Rate(int starts, long nanos) {
    double perSecond() {
      return starts / (nanos / 1e9);
    }

    /** Mean time per group of {@code size} starts: a batch, or one start of the loop. */
    double millisEach(int size) {
      return nanos / 1e6 / (starts / (double) size);
    }
  }
}
