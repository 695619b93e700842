package io.durapay.observability;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Dropwizard's metrics (Jetty's, the pool's and durapay's own, such as {@code
 * outbox.pending}) in Prometheus' text format. A name becomes its Prometheus form ({@code
 * outbox.pending} → {@code outbox_pending}); gauges and counters are gauges, meters counters
 * ({@code _total}), histograms and timers summaries (timers in seconds) with the 0.5, 0.95 and 0.99
 * quantiles and a count. A gauge whose value is not a number is left out.
 */
public final class DropwizardText {
  private static final double[] QUANTILES = {0.5, 0.95, 0.99};

  private DropwizardText() {}

  public static String render(MetricRegistry registry) {
    StringBuilder out = new StringBuilder();
    Set<String> written = new HashSet<>();
    registry.getGauges().forEach((name, gauge) -> {
      Double value = number(gauge);
      if (value != null) {
        family(out, written, name(name), "gauge", () -> sample(out, name(name), "", value));
      }
    });
    registry.getCounters().forEach((name, counter) ->
        family(out, written, name(name), "gauge", () -> sample(out, name(name), "", counter.getCount())));
    registry.getMeters().forEach((name, meter) ->
        family(out, written, name(name) + "_total", "counter", () -> sample(out, name(name) + "_total", "", meter.getCount())));
    registry.getHistograms().forEach((name, histogram) ->
        summary(out, written, name(name), histogram.getSnapshot(), histogram.getCount(), 1.0));
    registry.getTimers().forEach((name, timer) ->
        summary(out, written, name(name) + "_seconds", timer.getSnapshot(), timer.getCount(),
            1.0 / TimeUnit.SECONDS.toNanos(1)));
    return out.toString();
  }

  private static void summary(StringBuilder out, Set<String> written, String name, Snapshot snapshot, long count,
      double scale) {
    family(out, written, name, "summary", () -> {
      for (double q : QUANTILES) {
        sample(out, name, "{quantile=\"" + q + "\"}", snapshot.getValue(q) * scale);
      }
      sample(out, name + "_count", "", count);
    });
  }

  /** Writes one family once: two Dropwizard names with the same Prometheus form keep the first. */
  private static void family(StringBuilder out, Set<String> written, String name, String type, Runnable samples) {
    if (written.add(name)) {
      out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
      samples.run();
    }
  }

  private static void sample(StringBuilder out, String name, String labels, double value) {
    out.append(name).append(labels).append(' ').append(format(value)).append('\n');
  }

  private static String format(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
  }

  private static Double number(Gauge<?> gauge) {
    Object value;
    try {
      value = gauge.getValue();
    } catch (RuntimeException e) {
      return null;
    }
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof Boolean b) {
      return b ? 1.0 : 0.0;
    }
    return null;
  }

  /** {@code org.eclipse.jetty.server.HttpConnectionFactory.8080.connections} → {@code …_8080_connections}. */
  static String name(String dropwizardName) {
    String name = dropwizardName.replaceAll("[^A-Za-z0-9_:]", "_").replaceAll("_+", "_").toLowerCase(Locale.ROOT);
    return Character.isDigit(name.charAt(0)) ? "_" + name : name;
  }
}
