package io.durapay.replay;

import com.google.protobuf.util.JsonFormat;
import io.durapay.bench.Options;
import io.durapay.worker.v2.PaymentWorkflowV2Impl;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Histories replayed per second by the replay gate's {@link HistoryReplayer} (one environment and
 * one worker for all histories), against the SDK's one-call-per-history
 * {@code WorkflowReplayer.replayWorkflowExecution(history, class)}, which builds an environment
 * for every history. Then the rate by history length, and the whole gate as {@code ci/replay-gate}
 * runs it (files written to a temporary folder, read, parsed, replayed, reported).
 *
 * <p>Lives in the gate's package to reach {@link HistoryReplayer} and {@link HistoryFolder}.
 */
public final class ReplayBench {
  private ReplayBench() {}

  public static void run(Options options) throws Exception {
    Path folder = Path.of(options.text("histories", "worker-v2/src/test/resources/histories"));
    String headline = options.text("history", "v1/success.json");
    int n = options.integer("n", 6000);
    int baselineN = options.integer("baselineN", 100);
    int perLength = options.integer("perLength", 1500);

    WorkflowExecutionHistory base = HistoryFolder.read(folder.resolve(headline));
    int events = base.getEvents().size();
    System.out.printf("replay: %s (%d events) on PaymentWorkflowV2Impl%n", headline, events);

    double gate;
    try (HistoryReplayer replayer = new HistoryReplayer(PaymentWorkflowV2Impl.class)) {
      rate(replayer, copies(base, "warm", n)); // JIT warm-up, not reported
      gate = rate(replayer, copies(base, "run", n));
      System.out.printf("  gate HistoryReplayer (1 worker, %d histories): %.0f histories/s%n", n, gate);

      System.out.println("  by history length (gate HistoryReplayer, " + perLength + " copies each):");
      System.out.println("    events  histories/s  events/s   history");
      Map<Integer, Path> byLength = new TreeMap<>();
      for (HistoryInput input : HistoryFolder.inputs(folder)) {
        Path file = Path.of(input.name());
        WorkflowExecutionHistory history = HistoryFolder.read(file);
        byLength.putIfAbsent(history.getEvents().size(), file);
      }
      for (Map.Entry<Integer, Path> entry : byLength.entrySet()) {
        WorkflowExecutionHistory history = HistoryFolder.read(entry.getValue());
        double r = rate(replayer, copies(history, "len", perLength));
        System.out.printf("    %6d  %11.0f  %8.0f   %s%n",
            entry.getKey(), r, r * entry.getKey(), folder.relativize(entry.getValue()));
      }
    }

    double sdk = sdkRate(base, baselineN);
    System.out.printf("  baseline WorkflowReplayer.replayWorkflowExecution per history (%d): %.0f histories/s%n",
        baselineN, sdk);
    System.out.printf("  ratio gate / baseline: %.1fx   target >= 1500 histories/s: %s%n",
        gate / sdk, gate >= 1500 ? "met" : String.format("missed by %.0f%%", 100 * (1 - gate / 1500)));

    if (options.integer("cli", 1) == 1) {
      cli(base, n);
    }
  }

  /** Same-run rates (histories/s) of the gate and of the SDK's one call per history. */
  public record Rates(double gate, double sdk) {
    public double ratio() {
      return gate / sdk;
    }
  }

  /** The headline figures alone: {@code n} copies through the gate, {@code baselineN} through the SDK. */
  public static Rates rates(WorkflowExecutionHistory base, int n, int baselineN) throws Exception {
    double gate;
    try (HistoryReplayer replayer = new HistoryReplayer(PaymentWorkflowV2Impl.class)) {
      rate(replayer, copies(base, "warm", n)); // JIT warm-up, not reported
      gate = rate(replayer, copies(base, "run", n));
    }
    return new Rates(gate, sdkRate(base, baselineN));
  }

  /** Baseline: the SDK's one call per history, each building its own test environment. */
  private static double sdkRate(WorkflowExecutionHistory base, int baselineN) throws Exception {
    List<WorkflowExecutionHistory> few = copies(base, "sdk", baselineN);
    WorkflowReplayer.replayWorkflowExecution(few.get(0), PaymentWorkflowV2Impl.class); // warm-up
    long started = System.nanoTime();
    for (WorkflowExecutionHistory history : few) {
      WorkflowReplayer.replayWorkflowExecution(history, PaymentWorkflowV2Impl.class);
    }
    return baselineN / ((System.nanoTime() - started) / 1e9);
  }

  /** The whole gate in process, as ci/replay-gate runs it (environment start included). */
  private static void cli(WorkflowExecutionHistory base, int n) throws Exception {
    Path dir = Files.createTempDirectory("replay-bench");
    try {
      String json = JsonFormat.printer().print(base.getHistory());
      for (int i = 0; i < n; i++) {
        Files.writeString(dir.resolve("payment-cli-" + i + ".json"), json);
      }
      PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
      ReplayGate.run(new String[] {"--build", "v2", "--histories", dir.toString()}, discard, System.err);
      long started = System.nanoTime();
      int code = ReplayGate.run(new String[] {"--build", "v2", "--histories", dir.toString()}, discard, System.err);
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("  whole gate in process (%d files: read, parse, replay, report; exit %d): %.2f s, %.0f histories/s%n",
          n, code, seconds, n / seconds);
    } finally {
      try (var walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static double rate(HistoryReplayer replayer, List<WorkflowExecutionHistory> histories)
      throws Exception {
    long started = System.nanoTime();
    List<Exception> failures = replayer.replay(histories);
    double seconds = (System.nanoTime() - started) / 1e9;
    long failed = failures.stream().filter(f -> f != null).count();
    if (failed > 0) {
      throw new IllegalStateException(failed + " histories failed to replay: "
          + failures.stream().filter(f -> f != null).findFirst().orElseThrow());
    }
    return histories.size() / seconds;
  }

  /** Copies under distinct workflow ids, so the gate replays them in one round. */
  static List<WorkflowExecutionHistory> copies(WorkflowExecutionHistory history, String tag, int n) {
    List<WorkflowExecutionHistory> copies = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      copies.add(new WorkflowExecutionHistory(history.getHistory(), "payment-" + tag + "-" + i));
    }
    return copies;
  }
}
