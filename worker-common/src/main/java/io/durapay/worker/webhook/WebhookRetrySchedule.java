package io.durapay.worker.webhook;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * How long a webhook waits between tries once the payment's workflow has stopped trying it. The
 * workflow's own attempts are the first minutes of the Standard Webhooks schedule (immediately,
 * then a few more with backoff); {@link #STANDARD} is the rest of it: 30 min, 2 h, 5 h, 10 h, 14 h,
 * 20 h, 24 h, about three days in all, as Standard Webhooks and Stripe recommend. Each wait is
 * moved by up to ±10 % so that the webhooks of a merchant who was down do not all come back at once.
 */
public final class WebhookRetrySchedule {
  public static final List<Duration> STANDARD = List.of(
      Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10),
      Duration.ofHours(14), Duration.ofHours(20), Duration.ofHours(24));
  static final double JITTER = 0.1;

  private final List<Duration> waits;
  /** The longest of the waits: no Retry-After is honoured beyond it. */
  private final Duration longest;
  private final RandomGenerator random;

  public WebhookRetrySchedule(List<Duration> waits, RandomGenerator random) {
    if (waits.stream().anyMatch(wait -> wait.isNegative() || wait.isZero())) {
      throw new IllegalArgumentException("every wait of the webhook retry schedule must be positive: " + waits);
    }
    this.waits = List.copyOf(waits);
    this.longest = waits.stream().max(Duration::compareTo).orElse(Duration.ZERO);
    this.random = random;
  }

  /** No retries after the workflow's: a webhook it could not deliver ends undeliverable. */
  public static WebhookRetrySchedule none() {
    return new WebhookRetrySchedule(List.of(), RandomGenerator.getDefault());
  }

  public boolean isEmpty() {
    return waits.isEmpty();
  }

  /** How many waits it has. */
  int size() {
    return waits.size();
  }

  /**
   * The wait before try {@code step + 1} of the schedule (0 is the first wait), jittered; a longer
   * {@code Retry-After} from the endpoint is honoured, but never beyond the schedule's longest
   * wait. Empty when the schedule is spent.
   */
  Optional<Duration> wait(int step, Duration retryAfter) {
    if (step < 0 || step >= waits.size()) {
      return Optional.empty();
    }
    Duration planned = waits.get(step);
    long millis = planned.toMillis();
    Duration jittered = Duration.ofMillis(millis + Math.round(millis * JITTER * (2 * random.nextDouble() - 1)));
    if (retryAfter == null || retryAfter.compareTo(jittered) <= 0) {
      return Optional.of(jittered);
    }
    return Optional.of(retryAfter.compareTo(longest) > 0 ? longest : retryAfter);
  }
}
