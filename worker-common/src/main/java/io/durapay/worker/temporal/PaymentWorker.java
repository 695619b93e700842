package io.durapay.worker.temporal;

import io.dropwizard.lifecycle.Managed;
import io.durapay.worker.activities.PaymentActivitySet;
import io.durapay.contracts.PaymentWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkerDeploymentVersion;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerDeploymentOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Temporal worker polling one task queue with one workflow implementation and the activities.
 * Several processes may run it on the same queue at once. On stop it stops polling, lets in-flight
 * tasks finish up to the grace period, then hands the activities still running back to the server
 * as failed attempts ({@link InFlightActivities}), which retries them on another worker.
 */
public final class PaymentWorker implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentWorker.class);

  private final WorkflowClient client;
  private final InFlightActivities inFlight = new InFlightActivities();
  private final WorkerFactory factory;
  private final String taskQueue;
  private final long gracePeriodMillis;
  private final String version;

  /** @param buildId this build's id ({@link BuildId}), its version when versioning is enabled; else unused */
  public PaymentWorker(
      WorkflowClient client,
      TemporalFactory settings,
      Class<? extends PaymentWorkflow> workflowImplementation,
      PaymentActivitySet activities,
      String buildId) {
    this.client = client;
    this.factory =
        WorkerFactory.newInstance(
            client,
            WorkerFactoryOptions.newBuilder()
                .setWorkflowCacheSize(settings.getWorkflowCacheSize())
                .setWorkerInterceptors(inFlight, new ActivityLogContext())
                .build());
    this.taskQueue = settings.getTaskQueue();
    this.gracePeriodMillis = settings.getShutdownGracePeriod().toMilliseconds();
    WorkerOptions.Builder options =
        WorkerOptions.newBuilder()
            .setMaxConcurrentActivityExecutionSize(settings.getMaxConcurrentActivities())
            .setMaxConcurrentWorkflowTaskExecutionSize(settings.getMaxConcurrentWorkflowTasks());
    if (settings.getWorkflowCacheSize() == 0) {
      // A cache of 0 alone still asks the server to route a workflow's next task to this worker's
      // sticky queue. A zero schedule-to-start timeout stops asking, so every task goes to the
      // shared queue. It matters where the server never hands a sticky task back: Temporal's test
      // server has neither the sticky timeout nor ResetStickyTaskQueue, so there a task sent to a
      // stopped worker's sticky queue waits forever.
      options.setStickyQueueScheduleToStartTimeout(java.time.Duration.ZERO);
    }
    VersioningFactory versioning = settings.getVersioning();
    if (versioning.isEnabled()) {
      options.setDeploymentOptions(WorkerDeploymentOptions.newBuilder()
          .setUseVersioning(true)
          .setVersion(new WorkerDeploymentVersion(versioning.getDeploymentName(), buildId))
          .setDefaultVersioningBehavior(versioning.getDefaultBehavior())
          .build());
      this.version = versioning.getDeploymentName() + ":" + buildId + " (" + versioning.getDefaultBehavior() + ")";
    } else {
      this.version = "unversioned";
    }
    Worker worker = factory.newWorker(taskQueue, options.build());
    worker.registerWorkflowImplementationTypes(workflowImplementation);
    worker.registerActivitiesImplementations(activities.implementations());
  }

  @Override
  public void start() {
    factory.start();
    LOG.info("worker polling task queue {}, version {}", taskQueue, version);
  }

  @Override
  public void stop() throws InterruptedException {
    LOG.info("worker stopping: no new tasks; waiting up to {} ms for in-flight ones", gracePeriodMillis);
    factory.shutdown();
    factory.awaitTermination(gracePeriodMillis, TimeUnit.MILLISECONDS);
    if (!factory.isTerminated()) {
      // Polls first: a poll still open would take the retry of an attempt handed back, and lose it.
      factory.shutdownNow();
      factory.awaitTermination(1, TimeUnit.SECONDS);
      // The attempts' threads wait on calls that end by their own timeouts; the server need not.
      int handedBack = inFlight.handBack(client.newActivityCompletionClient());
      LOG.warn("in-flight tasks did not finish in time: {} activities handed back to be retried elsewhere",
          handedBack);
    }
  }
}
