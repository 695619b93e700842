package io.durapay.bench;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The line every benchmark prints first, so a figure is never read without its machine. */
public final class Machine {
  private Machine() {}

  public static String describe() {
    Runtime runtime = Runtime.getRuntime();
    return String.format("# machine: %d cores, %s %s, max heap %d MB, %s",
        runtime.availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"),
        runtime.maxMemory() >> 20,
        Instant.now().truncatedTo(ChronoUnit.SECONDS));
  }

  /** CPU time this JVM has used so far, every thread of it, in nanoseconds. */
  public static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Used heap after a full collection, in MB. */
  public static long usedHeapMb() {
    System.gc();
    Runtime runtime = Runtime.getRuntime();
    return (runtime.totalMemory() - runtime.freeMemory()) >> 20;
  }
}
