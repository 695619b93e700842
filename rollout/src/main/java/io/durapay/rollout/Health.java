package io.durapay.rollout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One ramp step's verdict: green's payments against blue's, by {@link HealthThresholds}. */
final class Health {
  private Health() {}

  /**
   * What one version did with the payments started in a window.
   *
   * @param started payment workflows started on the version in the window
   * @param finished of those, the payments already final in the database
   * @param failed finished payments that ended failed (refund_failed included)
   * @param webhookFailed finished payments whose webhook was never delivered
   * @param taskFailures workflow tasks that failed (a non-determinism error is one)
   * @param scheduleToStart p95 of the time tasks waited for a worker, or null with no task
   */
  record Sample(int started, int finished, int failed, int webhookFailed, int taskFailures, Duration scheduleToStart) {
    double failedShare() {
      return finished == 0 ? 0 : (double) failed / finished;
    }

    double webhookFailedShare() {
      return finished == 0 ? 0 : (double) webhookFailed / finished;
    }

    String describe() {
      return String.format(Locale.ROOT,
          "%d started, %d finished, %d failed, %d webhooks undelivered, %d workflow tasks failed, p95 schedule-to-start %s",
          started, finished, failed, webhookFailed, taskFailures,
          scheduleToStart == null ? "-" : scheduleToStart.toMillis() + " ms");
    }
  }

  enum Kind { PASS, WAIT, FAIL }

  record Verdict(Kind kind, List<String> reasons) {
    String describe() {
      return kind + (reasons.isEmpty() ? "" : ": " + String.join("; ", reasons));
    }
  }

  /**
   * Judges green against blue. A failed workflow task on green fails at once, whatever the
   * sample; everything else waits until green has finished {@code minPayments} (too few is
   * "wait", never "pass"). Blue with no finished payment counts as perfect: green must then be.
   */
  static Verdict judge(Sample green, Sample blue, HealthThresholds limits) {
    List<String> failures = new ArrayList<>();
    if (green.taskFailures() > limits.maxTaskFailures()) {
      failures.add(green.taskFailures() + " workflow tasks failed on green (at most " + limits.maxTaskFailures() + ")");
      return new Verdict(Kind.FAIL, failures);
    }
    if (green.finished() < limits.minPayments()) {
      return new Verdict(Kind.WAIT, List.of(
          "green has finished " + green.finished() + " of the " + limits.minPayments() + " payments a verdict needs"));
    }
    double failedIncrease = green.failedShare() - blue.failedShare();
    if (failedIncrease > limits.maxFailedIncrease()) {
      failures.add(String.format(Locale.ROOT, "failed payments: green %.0f%%, blue %.0f%% (at most %.0f points more)",
          100 * green.failedShare(), 100 * blue.failedShare(), 100 * limits.maxFailedIncrease()));
    }
    double webhookIncrease = green.webhookFailedShare() - blue.webhookFailedShare();
    if (webhookIncrease > limits.maxWebhookFailureIncrease()) {
      failures.add(String.format(Locale.ROOT,
          "undelivered webhooks: green %.0f%%, blue %.0f%% (at most %.0f points more)",
          100 * green.webhookFailedShare(), 100 * blue.webhookFailedShare(), 100 * limits.maxWebhookFailureIncrease()));
    }
    if (green.scheduleToStart() != null && blue.scheduleToStart() != null) {
      long blueMillis = blue.scheduleToStart().toMillis();
      long allowed = Math.max((long) (blueMillis * limits.maxLatencyFactor()), blueMillis + limits.latencySlack().toMillis());
      if (green.scheduleToStart().toMillis() > allowed) {
        failures.add("p95 schedule-to-start: green " + green.scheduleToStart().toMillis() + " ms, blue "
            + blueMillis + " ms (at most " + allowed + " ms)");
      }
    }
    return failures.isEmpty() ? new Verdict(Kind.PASS, List.of()) : new Verdict(Kind.FAIL, failures);
  }

  /** The 95th percentile (nearest rank) of these durations, or null when there are none. */
  static Duration p95(List<Duration> durations) {
    if (durations.isEmpty()) {
      return null;
    }
    List<Duration> sorted = new ArrayList<>(durations);
    sorted.sort(null);
    int rank = (int) Math.ceil(0.95 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }
}
