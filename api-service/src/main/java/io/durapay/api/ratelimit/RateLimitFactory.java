package io.durapay.api.ratelimit;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.durapay.store.RateLimitDao;
import java.util.Optional;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.jdbi.v3.core.Jdbi;

/**
 * Requests per API key: a token bucket per key that holds {@code burst} requests and refills at
 * {@code requestsPerSecond}. Shared (the default), the buckets are in PostgreSQL and every API
 * instance draws on the same budget; otherwise each instance has its own, and with several behind
 * a balancer a key gets up to this much from each.
 */
public class RateLimitFactory {

  private boolean enabled = true;

  private boolean shared = true;

  @Min(1)
  @Max(1_000_000)
  private int requestsPerSecond = 100;

  @Min(1)
  @Max(1_000_000)
  private int burst = 200;

  /** The filter to register with Jersey; empty when rate limiting is off. */
  public Optional<RateLimitFilter> build(Jdbi jdbi) {
    if (!enabled) {
      return Optional.empty();
    }
    RateLimiter buckets = shared
        ? new SharedTokenBuckets(jdbi.onDemand(RateLimitDao.class), requestsPerSecond, burst)
        : new TokenBuckets(requestsPerSecond, burst);
    return Optional.of(new RateLimitFilter(buckets));
  }

  @JsonProperty
  public boolean isShared() {
    return shared;
  }

  @JsonProperty
  public void setShared(boolean shared) {
    this.shared = shared;
  }

  @JsonProperty
  public boolean isEnabled() {
    return enabled;
  }

  @JsonProperty
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  @JsonProperty
  public int getRequestsPerSecond() {
    return requestsPerSecond;
  }

  @JsonProperty
  public void setRequestsPerSecond(int requestsPerSecond) {
    this.requestsPerSecond = requestsPerSecond;
  }

  @JsonProperty
  public int getBurst() {
    return burst;
  }

  @JsonProperty
  public void setBurst(int burst) {
    this.burst = burst;
  }
}
