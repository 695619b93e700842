package io.durapay.worker.resolver;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** When the unknown-outcome resolver runs, which payments it takes up, and when it alerts. */
public class ResolverFactory {

  /** Sweep on a schedule in this worker. */
  private boolean enabled = true;

  /** The wait between the end of one sweep and the start of the next. */
  @NotNull private Duration interval = Duration.minutes(1);

  /**
   * A payment still {@code processing} with no move for this long is taken up: well past the
   * seconds a charge takes, short of the days a compensation may retry.
   */
  @NotNull private Duration idleAfter = Duration.minutes(5);

  /** The health check turns unhealthy while a payment has been unresolved this long. */
  @NotNull private Duration alertAfter = Duration.minutes(30);

  /** Payments taken up per sweep, oldest first. */
  @Min(1)
  @Max(10_000)
  private int batchSize = 100;

  @JsonProperty
  public boolean isEnabled() {
    return enabled;
  }

  @JsonProperty
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  @JsonProperty
  public Duration getInterval() {
    return interval;
  }

  @JsonProperty
  public void setInterval(Duration interval) {
    this.interval = interval;
  }

  @JsonProperty
  public Duration getIdleAfter() {
    return idleAfter;
  }

  @JsonProperty
  public void setIdleAfter(Duration idleAfter) {
    this.idleAfter = idleAfter;
  }

  @JsonProperty
  public Duration getAlertAfter() {
    return alertAfter;
  }

  @JsonProperty
  public void setAlertAfter(Duration alertAfter) {
    this.alertAfter = alertAfter;
  }

  @JsonProperty
  public int getBatchSize() {
    return batchSize;
  }

  @JsonProperty
  public void setBatchSize(int batchSize) {
    this.batchSize = batchSize;
  }
}
