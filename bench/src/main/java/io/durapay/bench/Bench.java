package io.durapay.bench;

import java.util.Arrays;

/**
 * One command per benchmark: {@code bench/run <replay|bridge|coldstart|workflow|ingest|latency|growth|schedules> [options]}.
 * Each runs its baseline in the same JVM and run, and prints its figures and the ratio.
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: bench/run replay|bridge|coldstart|workflow|ingest|latency|growth|schedules [key=value ...]");
      System.exit(2);
    }
    Options options = Options.parse(Arrays.copyOfRange(args, 1, args.length));
    System.out.println(Machine.describe());
    switch (args[0]) {
      case "replay" -> io.durapay.replay.ReplayBench.run(options);
      case "bridge" -> BridgeBench.run(options);
      case "coldstart" -> ColdStartBench.run(options);
      case "workflow" -> WorkflowBench.run(options);
      case "ingest" -> IngestBench.run(options);
      case "latency" -> StackBench.latency(options);
      case "growth" -> StackBench.growth(options);
      case "schedules" -> ScheduleBench.run(options);
      default -> {
        System.err.println("unknown benchmark " + args[0]);
        System.exit(2);
      }
    }
    System.exit(0);
  }
}
