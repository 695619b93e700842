package io.durapay.api.outbox;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.AutoCloseableManager;
import io.durapay.contracts.WorkflowStarter;
import io.durapay.store.OutboxDao;
import java.util.concurrent.ExecutorService;
import org.jdbi.v3.core.Jdbi;

/** How the outbox relay polls, batches and backs off. */
public class OutboxFactory {

  /** SNS, or in direct mode the workflow starter itself. */
  private EventPublisher publisher(Environment environment, SnsFactory sns, WorkflowStarter starter) {
    if (isDirect()) {
      ExecutorService starts =
          environment.lifecycle().executorService("outbox-direct-start-%d")
              .minThreads(DirectEventPublisher.STARTS_IN_FLIGHT)
              .maxThreads(DirectEventPublisher.STARTS_IN_FLIGHT)
              .build();
      return new DirectEventPublisher(starter, environment.getObjectMapper(), starts);
    }
    SnsEventPublisher publisher = sns.build();
    environment.lifecycle().manage(new AutoCloseableManager(publisher));
    return publisher;
  }

  /** Run the relay in this process. Several API instances may all relay. */
  private boolean relayEnabled = true;

  /**
   * Where events go: {@code sns} (the Lambda bridge starts workflows from the queue) or {@code
   * direct} (the relay starts workflows itself, for deployments without AWS).
   */
  @NotNull
  @Pattern(regexp = "sns|direct", message = "must be sns or direct")
  private String mode = "sns";

  /** How long the relay waits after finding nothing to publish. */
  @NotNull private Duration pollInterval = Duration.milliseconds(200);

  /** Events locked and published per transaction. */
  @Min(1)
  @Max(1000)
  private int batchSize = 50;

  /** First wait after a failed publish; doubles on each failure in a row. */
  @NotNull private Duration initialBackoff = Duration.milliseconds(500);

  /** The longest wait between tries while the destination keeps failing. */
  @NotNull private Duration maxBackoff = Duration.seconds(30);

  /**
   * Refusals after which an event the destination refuses as such is parked: kept in the outbox
   * for an operator, no longer tried, until re-queued. Tries lost to an outage never count.
   */
  @Min(1)
  private int maxAttempts = 10;

  /** The outbox health check fails when the oldest unpublished event is older than this. */
  @NotNull private Duration lagThreshold = Duration.seconds(60);

  /**
   * Builds and registers the outbox: the relay, when this process relays, publishing to SNS or
   * (direct mode) starting the workflows itself; the lag and parked-event health checks and
   * gauges; the task that re-queues parked events.
   *
   * @return the relay, or null when this process does not relay
   */
  public OutboxRelay build(Environment environment, Jdbi jdbi, SnsFactory sns, WorkflowStarter starter) {
    OutboxRelay relay = null;
    if (relayEnabled) {
      relay = new OutboxRelay(jdbi, publisher(environment, sns, starter), this, environment.metrics());
      environment.lifecycle().manage(relay);
    }
    OutboxDao outbox = jdbi.onDemand(OutboxDao.class);
    environment.healthChecks().register("outbox", new OutboxLagHealthCheck(outbox, lagThreshold.toJavaDuration()));
    environment.metrics().gauge("outbox.pending", () -> outbox::countPending);
    // How long the oldest unpublished event has waited (0 when none waits): the outbox's lag.
    environment.metrics().gauge("outbox.lag-seconds",
        () -> () -> outbox.oldestPendingAge().map(age -> age.toMillis() / 1000.0).orElse(0.0));
    environment.healthChecks().register("outbox-parked", new OutboxParkedHealthCheck(outbox));
    environment.metrics().gauge("outbox.parked", () -> outbox::countParked);
    environment.admin().addTask(new RequeueParkedEventsTask(outbox, relay));
    return relay;
  }

  @JsonProperty
  public String getMode() {
    return mode;
  }

  @JsonProperty
  public void setMode(String mode) {
    this.mode = mode;
  }

  public boolean isDirect() {
    return "direct".equals(mode);
  }

  @JsonProperty
  public boolean isRelayEnabled() {
    return relayEnabled;
  }

  @JsonProperty
  public void setRelayEnabled(boolean relayEnabled) {
    this.relayEnabled = relayEnabled;
  }

  @JsonProperty
  public Duration getPollInterval() {
    return pollInterval;
  }

  @JsonProperty
  public void setPollInterval(Duration pollInterval) {
    this.pollInterval = pollInterval;
  }

  @JsonProperty
  public int getBatchSize() {
    return batchSize;
  }

  @JsonProperty
  public void setBatchSize(int batchSize) {
    this.batchSize = batchSize;
  }

  @JsonProperty
  public Duration getInitialBackoff() {
    return initialBackoff;
  }

  @JsonProperty
  public void setInitialBackoff(Duration initialBackoff) {
    this.initialBackoff = initialBackoff;
  }

  @JsonProperty
  public Duration getMaxBackoff() {
    return maxBackoff;
  }

  @JsonProperty
  public void setMaxBackoff(Duration maxBackoff) {
    this.maxBackoff = maxBackoff;
  }

  @JsonProperty
  public int getMaxAttempts() {
    return maxAttempts;
  }

  @JsonProperty
  public void setMaxAttempts(int maxAttempts) {
    this.maxAttempts = maxAttempts;
  }

  @JsonProperty
  public Duration getLagThreshold() {
    return lagThreshold;
  }

  @JsonProperty
  public void setLagThreshold(Duration lagThreshold) {
    this.lagThreshold = lagThreshold;
  }
}
