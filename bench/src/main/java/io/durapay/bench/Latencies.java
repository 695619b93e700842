package io.durapay.bench;

import java.util.Arrays;

/** Recorded latencies in nanoseconds; percentiles by nearest rank. */
public final class Latencies {
  private long[] values = new long[1024];
  private int size;

  public synchronized void add(long nanos) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = nanos;
  }

  public synchronized int count() {
    return size;
  }

  /** The p-th percentile (0-100) in milliseconds. */
  public synchronized double percentileMs(double p) {
    if (size == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(values, size);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * size);
    return sorted[Math.max(0, Math.min(size - 1, rank - 1))] / 1e6;
  }

  public String summary() {
    return String.format("p50 %.1f ms, p99 %.1f ms", percentileMs(50), percentileMs(99));
  }
}
