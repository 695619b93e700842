package io.durapay.api.workflows;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.uber.m3.tally.Scope;
import io.durapay.contracts.TaskQueues;
import io.durapay.contracts.TemporalConnection;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.durapay.store.PaymentDao;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;

/**
 * The API's Temporal client: the connection (inherited), the task queue new workflows go to (the
 * current route: blue or green), and how long a live-state query may take.
 */
public class TemporalClientFactory extends TemporalConnection {

  /** Where workflows the API starts itself go (a cancel before the bridge started one). */
  @NotBlank private String taskQueue = TaskQueues.PAYMENTS_V1;

  private long queryTimeoutMillis = 3000;

  /**
   * The connection, closed when the application stops. It is lazy: the API starts and takes
   * payments while Temporal is unreachable.
   */
  public WorkflowServiceStubs build(Environment environment, Scope metrics) {
    WorkflowServiceStubs stubs = connect(metrics);
    environment.lifecycle().manage(new Managed() {
      @Override
      public void stop() throws InterruptedException {
        stubs.shutdown();
        stubs.awaitTermination(5, TimeUnit.SECONDS);
      }
    });
    return stubs;
  }

  /** The payment workflows' resource: live state, timeline and cancel. */
  public PaymentWorkflowResource resource(Environment environment, Jdbi jdbi, PaymentWorkflows workflows,
      Timelines timelines) {
    return new PaymentWorkflowResource(
        jdbi.onDemand(PaymentDao.class), workflows, timelines, environment.getObjectMapper());
  }

  /** Cancel signals, history and live state of the payment workflows, starting on {@code taskQueue}. */
  public PaymentWorkflows workflows(WorkflowClient client) {
    return new PaymentWorkflows(client, taskQueue);
  }

  /**
   * Timelines whose live query waits {@code liveQueryTimeout} at most, on a pool of four threads
   * (a query that needs longer than that is waiting for a worker that is not there).
   */
  public Timelines timelines(Environment environment, Jdbi jdbi, PaymentWorkflows workflows,
      Duration liveQueryTimeout) {
    Timelines timelines = new Timelines(jdbi.onDemand(PaymentDao.class), workflows, liveQueryTimeout, 4);
    environment.lifecycle().manage(new Managed() {
      @Override
      public void stop() {
        timelines.close();
      }
    });
    return timelines;
  }

  @Override
  protected void customize(WorkflowServiceStubsOptions.Builder options) {
    // A query needs a worker to answer; without one (or without Temporal) requests must not hang.
    // The first call on a new channel asks the server for its capabilities first, under timeouts
    // of its own (5 s by default): they get the same deadline.
    Duration deadline = Duration.ofMillis(queryTimeoutMillis);
    options
        .setRpcQueryTimeout(deadline)
        .setRpcTimeout(deadline)
        .setSystemInfoTimeout(deadline)
        .setHealthCheckAttemptTimeout(deadline);
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
