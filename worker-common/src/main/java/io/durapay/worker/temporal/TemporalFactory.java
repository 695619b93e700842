package io.durapay.worker.temporal;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.durapay.contracts.TemporalConnection;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * The worker's Temporal settings: the connection (inherited), the task queue this build polls,
 * how hard the worker may work, and Worker Versioning.
 */
public class TemporalFactory extends TemporalConnection {

  /** The task queue this worker polls; each build has its own. */
  @NotBlank private String taskQueue;

  @Min(1)
  private int maxConcurrentActivities = 50;

  @Min(1)
  private int maxConcurrentWorkflowTasks = 20;

  /**
   * Workflows kept in memory between tasks (sticky execution); 0 turns sticky execution off, so
   * every task goes to the shared queue and replays the history. Use 0 with Temporal's test
   * server wherever workers stop while workflows run: it never moves a task off a stopped
   * worker's sticky queue, as a real cluster does after five seconds.
   */
  @Min(0)
  private int workflowCacheSize = 600;

  /** How long a stopping worker lets in-flight activities finish before it hands them back to the server (see PaymentWorker). */
  @NotNull private Duration shutdownGracePeriod = Duration.seconds(20);

  /** Worker Versioning (off unless enabled). */
  @Valid @NotNull private VersioningFactory versioning = new VersioningFactory();

  @JsonProperty
  public VersioningFactory getVersioning() {
    return versioning;
  }

  @JsonProperty
  public void setVersioning(VersioningFactory versioning) {
    this.versioning = versioning;
  }

  @JsonProperty
  public String getTaskQueue() {
    return taskQueue;
  }

  @JsonProperty
  public void setTaskQueue(String taskQueue) {
    this.taskQueue = taskQueue;
  }

  @JsonProperty
  public int getMaxConcurrentActivities() {
    return maxConcurrentActivities;
  }

  @JsonProperty
  public void setMaxConcurrentActivities(int maxConcurrentActivities) {
    this.maxConcurrentActivities = maxConcurrentActivities;
  }

  @JsonProperty
  public int getMaxConcurrentWorkflowTasks() {
    return maxConcurrentWorkflowTasks;
  }

  @JsonProperty
  public void setMaxConcurrentWorkflowTasks(int maxConcurrentWorkflowTasks) {
    this.maxConcurrentWorkflowTasks = maxConcurrentWorkflowTasks;
  }

  @JsonProperty
  public int getWorkflowCacheSize() {
    return workflowCacheSize;
  }

  @JsonProperty
  public void setWorkflowCacheSize(int workflowCacheSize) {
    this.workflowCacheSize = workflowCacheSize;
  }

  @JsonProperty
  public Duration getShutdownGracePeriod() {
    return shutdownGracePeriod;
  }

  @JsonProperty
  public void setShutdownGracePeriod(Duration shutdownGracePeriod) {
    this.shutdownGracePeriod = shutdownGracePeriod;
  }
}
