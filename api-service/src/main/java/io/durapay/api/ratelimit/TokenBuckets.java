package io.durapay.api.ratelimit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * One token bucket per key in this process: {@code burst} tokens at most, refilled at {@code
 * perSecond}. {@link SharedTokenBuckets} shares them between API instances and falls back on these.
 */
public final class TokenBuckets implements RateLimiter {
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

  @Override
  public Decision take(String key) {
    return buckets.computeIfAbsent(key, k -> new Bucket(burst, nanoTime.getAsLong())).take();
  }

  @Override
  public int perSecond() {
    return perSecond;
  }

  @Override
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

    synchronized Decision take() {
      long now = nanoTime.getAsLong();
      tokens = Math.min(burst, tokens + (now - refilledAt) / NANOS_PER_SECOND * perSecond);
      refilledAt = now;
      if (tokens >= 1) {
        tokens -= 1;
        return new Decision(0, (long) tokens);
      }
      return new Decision(Math.max(1, (long) Math.ceil((1 - tokens) / perSecond)), 0);
    }
  }
}
