package io.durapay.api.ratelimit;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Optional;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * Requests per API key: a token bucket per key that holds {@code burst} requests and refills at
 * {@code requestsPerSecond}. The buckets live in each API instance, so with several instances
 * behind a balancer a key gets up to this much from each.
 */
public class RateLimitFactory {

  private boolean enabled = true;

  @Min(1)
  @Max(1_000_000)
  private int requestsPerSecond = 100;

  @Min(1)
  @Max(1_000_000)
  private int burst = 200;

  /** The filter to register with Jersey; empty when rate limiting is off. */
  public Optional<RateLimitFilter> build() {
    return enabled ? Optional.of(new RateLimitFilter(new TokenBuckets(requestsPerSecond, burst))) : Optional.empty();
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
