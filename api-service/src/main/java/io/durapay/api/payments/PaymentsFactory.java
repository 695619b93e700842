package io.durapay.api.payments;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** Limits and retention of the payments API. */
public class PaymentsFactory {

  /** The largest amount a payment may have, in minor units. */
  @Min(1)
  @Max(Long.MAX_VALUE / 2)
  private long maxAmount = 99_999_999L;

  /** How long an idempotency record answers replays before it expires. */
  @NotNull private Duration idempotencyTtl = Duration.hours(24);

  /** How often expired idempotency records are deleted. */
  @NotNull private Duration idempotencyPurgeInterval = Duration.minutes(10);

  @JsonProperty
  public long getMaxAmount() {
    return maxAmount;
  }

  @JsonProperty
  public void setMaxAmount(long maxAmount) {
    this.maxAmount = maxAmount;
  }

  @JsonProperty
  public Duration getIdempotencyTtl() {
    return idempotencyTtl;
  }

  @JsonProperty
  public void setIdempotencyTtl(Duration idempotencyTtl) {
    this.idempotencyTtl = idempotencyTtl;
  }

  @JsonProperty
  public Duration getIdempotencyPurgeInterval() {
    return idempotencyPurgeInterval;
  }

  @JsonProperty
  public void setIdempotencyPurgeInterval(Duration idempotencyPurgeInterval) {
    this.idempotencyPurgeInterval = idempotencyPurgeInterval;
  }
}
