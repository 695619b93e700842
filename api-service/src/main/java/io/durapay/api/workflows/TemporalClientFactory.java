package io.durapay.api.workflows;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.durapay.contracts.TaskQueues;
import io.durapay.contracts.TemporalConnection;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;

/**
 * The API's Temporal client: the connection (inherited), the task queue new workflows go to (the
 * current route: blue or green), and how long a live-state query may take.
 */
public class TemporalClientFactory extends TemporalConnection {

  /** Where workflows the API starts itself go (a cancel before the bridge started one). */
  @NotBlank private String taskQueue = TaskQueues.PAYMENTS_V1;

  private long queryTimeoutMillis = 3000;

  @Override
  protected void customize(WorkflowServiceStubsOptions.Builder options) {
    // A query needs a worker to answer; without one (or without Temporal) requests must not hang.
    options.setRpcQueryTimeout(Duration.ofMillis(queryTimeoutMillis));
    options.setRpcTimeout(Duration.ofMillis(queryTimeoutMillis));
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
  public long getQueryTimeoutMillis() {
    return queryTimeoutMillis;
  }

  @JsonProperty
  public void setQueryTimeoutMillis(long queryTimeoutMillis) {
    this.queryTimeoutMillis = queryTimeoutMillis;
  }
}
