package io.durapay.bench;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.durapay.bridge.BridgeConfig;
import io.durapay.bridge.PaymentEventsHandler;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.WorkflowStarter;
import java.util.Map;

/**
 * Workflow starts per second through the Lambda handler, SQS batches of 10, against a
 * port-bound test server; baseline: a plain sequential loop of {@code WorkflowClient.start}
 * (through {@link WorkflowStarter}, the same call the handler makes) on the same server.
 * No worker polls: only the starts are measured.
 */
final class BridgeBench {
  private static final String QUEUE = "bench-bridge";

  private BridgeBench() {}

  static void run(Options options) {
    int batches = options.integer("batches", 300);
    int rounds = options.integer("rounds", 3);
    try (TemporalServer temporal = new TemporalServer()) {
      PaymentEventsHandler handler = new PaymentEventsHandler(BridgeConfig.fromEnvironment(Map.of(
          "TEMPORAL_ADDRESS", temporal.target(), "TEMPORAL_TASK_QUEUE", QUEUE)));
      WorkflowStarter loop = new WorkflowStarter(temporal.client(), QUEUE);
      System.out.printf("bridge: %d batches of 10 through PaymentEventsHandler vs a loop of %d WorkflowClient.start%n",
          batches, batches * 10);
      // Warm-up of both paths (connections, JIT), not reported.
      handlerRate(handler, "warm", batches / 3);
      loopRate(loop, "warmloop", batches * 10 / 3);
      for (int round = 1; round <= rounds; round++) {
        double viaHandler = handlerRate(handler, "r" + round, batches);
        double viaLoop = loopRate(loop, "l" + round, batches * 10);
        System.out.printf("  round %d: handler %.0f starts/s, plain loop %.0f starts/s, ratio %.2fx (target >= 5x)%n",
            round, viaHandler, viaLoop, viaHandler / viaLoop);
      }
    }
  }

  private static double handlerRate(PaymentEventsHandler handler, String run, int batches) {
    long started = System.nanoTime();
    for (int b = 0; b < batches; b++) {
      SQSBatchResponse response = handler.handleRequest(SqsBatches.batch(run, b * 10, 10), null);
      if (!response.getBatchItemFailures().isEmpty()) {
        throw new IllegalStateException("batch item failures: " + response.getBatchItemFailures().size());
      }
    }
    return batches * 10 / ((System.nanoTime() - started) / 1e9);
  }

  private static double loopRate(WorkflowStarter starter, String run, int starts) {
    long started = System.nanoTime();
    for (int i = 0; i < starts; i++) {
      String id = "pay_" + run + "_" + i;
      starter.start(new PaymentRequest(id, "mer_bench", 4999, "EUR", "bench"));
    }
    return starts / ((System.nanoTime() - started) / 1e9);
  }
}
