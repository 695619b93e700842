package io.durapay.api.reconciler;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import io.dropwizard.core.setup.Environment;
import io.durapay.api.outbox.OutboxRelay;
import io.durapay.api.workflows.TemporalClientFactory;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;

/** When the reconciler runs and which payments it considers stranded. */
public class ReconcilerFactory {

  /** Run on a schedule in this process (the admin task works either way). */
  private boolean enabled = true;

  /** The wait between the end of one run and the start of the next. */
  @NotNull private Duration interval = Duration.minutes(1);

  /**
   * A payment is considered once it has been {@code initiated} this long and its event was
   * published at least this long ago (or never queued): well past the time a healthy pipeline
   * takes to start a workflow.
   */
  @NotNull private Duration threshold = Duration.minutes(5);

  /** Payments examined per run, oldest first; each run goes on after the last one examined. */
  @Min(1)
  @Max(10_000)
  private int batchSize = 100;

  /**
   * Builds and registers the reconciler: its admin task always, its schedule when enabled.
   *
   * @param relay woken when a stranded payment's event is queued again; null when this process
   *     does not relay
   */
  public Reconciler build(
      Environment environment, Jdbi jdbi, WorkflowServiceStubs stubs, TemporalClientFactory temporal,
      Clock clock, OutboxRelay relay) {
    Reconciler reconciler = new Reconciler(
        jdbi,
        new WorkflowPresence(stubs, temporal.getNamespace(), temporal.getQueryTimeoutMillis()),
        environment.getObjectMapper(),
        clock,
        this,
        relay);
    environment.admin().addTask(new ReconcileTask(reconciler));
    if (enabled) {
      long every = interval.toMilliseconds();
      environment.lifecycle().scheduledExecutorService("payment-reconciler").threads(1).build()
          .scheduleWithFixedDelay(reconciler, every, every, TimeUnit.MILLISECONDS);
    }
    return reconciler;
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
  public Duration getInterval() {
    return interval;
  }

  @JsonProperty
  public void setInterval(Duration interval) {
    this.interval = interval;
  }

  @JsonProperty
  public Duration getThreshold() {
    return threshold;
  }

  @JsonProperty
  public void setThreshold(Duration threshold) {
    this.threshold = threshold;
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
