package io.durapay.bench;

import io.durapay.bridge.BridgeConfig;
import io.durapay.bridge.PaymentEventsHandler;
import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * Run in a fresh JVM by {@link ColdStartBench}, with only the Lambda deployment jar and this
 * class on the class path: builds the handler as Lambda does and hands it one message. Prints
 * {@code COLDSTART <construction to first response ms> <JVM start to first response ms>}.
 */
public final class ColdStartProbe {
  private ColdStartProbe() {}

  public static void main(String[] args) {
    long started = System.nanoTime();
    PaymentEventsHandler handler = new PaymentEventsHandler(BridgeConfig.fromEnvironment(Map.of(
        "TEMPORAL_ADDRESS", args[0], "TEMPORAL_TASK_QUEUE", "bench-coldstart")));
    var response = handler.handleRequest(SqsBatches.batch(args[1], 0, 1), null);
    long firstResponse = System.nanoTime();
    if (!response.getBatchItemFailures().isEmpty()) {
      System.out.println("COLDSTART failed");
      System.exit(1);
    }
    long sinceJvmStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    System.out.printf("COLDSTART %d %d%n", (firstResponse - started) / 1_000_000, sinceJvmStart);
    System.exit(0);
  }
}
