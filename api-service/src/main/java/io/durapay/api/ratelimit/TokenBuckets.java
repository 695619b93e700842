package io.durapay.api.ratelimit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/** One token bucket per key: {@code burst} tokens at most, refilled at {@code perSecond}. */
public final class TokenBuckets {
  private static final double NANOS_PER_SECOND = 1_000_000_000d;

  private final int perSecond;
  private final int burst;
  private final LongSupplier nanoTime;
  // Keys are authenticated merchants, so the map grows only with the number of merchants.
  private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  public TokenBuckets(int perSecond, int burst) {
    this(perSecond, burst, System::nanoTime);
  }

  TokenBuckets(int perSecond, int burst, LongSupplier nanoTime) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.nanoTime = nanoTime;
  }

  /** Takes a token for {@code key}: 0 when one was there, else the seconds until one will be (≥ 1). */
  public long take(String key) {
    return buckets.computeIfAbsent(key, k -> new Bucket(burst, nanoTime.getAsLong())).take();
  }

  public int perSecond() {
    return perSecond;
  }

  public int burst() {
    return burst;
  }

  private final class Bucket {
    private double tokens;
    private long refilledAt;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.refilledAt = now;
    }

    synchronized long take() {
      long now = nanoTime.getAsLong();
      tokens = Math.min(burst, tokens + (now - refilledAt) / NANOS_PER_SECOND * perSecond);
      refilledAt = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - tokens) / perSecond));
    }
  }
}
