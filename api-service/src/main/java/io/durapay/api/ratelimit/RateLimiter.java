package io.durapay.api.ratelimit;

/** Requests per API key: a token bucket per key, {@code burst} tokens at most, refilled at {@code perSecond}. */
public interface RateLimiter {

  /**
   * One request's take: {@code retryAfter} 0 when it may go on, else the seconds until a token will
   * be there (at least 1); {@code remaining} the tokens left to the key.
   */
  record Decision(long retryAfter, long remaining) {}

  Decision take(String key);

  int perSecond();

  int burst();
}
