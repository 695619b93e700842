package io.durapay.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.durapay.devserver.DevServer;
import io.durapay.store.testing.TemporalServer;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.common.VersioningBehavior;
import io.temporal.common.VersioningOverride;
import io.temporal.common.WorkerDeploymentVersion;
import io.temporal.worker.WorkerDeploymentOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The deployment calls the rollout makes, against the real server. */
class WorkerDeploymentsIT {
  @RegisterExtension static final TemporalServer TEMPORAL = new TemporalServer();

  private WorkflowServiceStubs stubs;
  private WorkerDeployments deployments;

  private static final String DEPLOYMENT = "durapay-deployments-it";
  private static final String GREEN = "build-green";
  private static final String QUEUE = "deployments-it";

  /** Runs until the test ends it. */
  @WorkflowInterface
  public interface Waiting {
    @WorkflowMethod
    void run();

    @QueryMethod
    boolean started();
  }

  public static class WaitingWorkflow implements Waiting {
    @Override
    public void run() {
      Workflow.await(() -> false);
    }

    @Override
    public boolean started() {
      return true;
    }
  }

  @BeforeEach
  void connect() {
    stubs = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(TEMPORAL.target()).build());
    deployments = new WorkerDeployments(stubs, DevServer.NAMESPACE, DEPLOYMENT);
    WorkerFactory factory = TEMPORAL.newWorkerFactory();
    // A version is pinnable only once a worker of it polls the workflow's queue.
    factory.newWorker(QUEUE, WorkerOptions.newBuilder()
            .setDeploymentOptions(WorkerDeploymentOptions.newBuilder()
                .setUseVersioning(true)
                .setVersion(new WorkerDeploymentVersion(DEPLOYMENT, GREEN))
                .setDefaultVersioningBehavior(VersioningBehavior.PINNED)
                .build())
            .build())
        .registerWorkflowImplementationTypes(WaitingWorkflow.class);
    factory.start();
  }

  @AfterEach
  void close() {
    stubs.shutdownNow();
  }

  /**
   * Found by RolloutVersioningIT in CI: at the end of a drain, one of blue's last workflows
   * finished between the listing and its move to green, the server answered NOT_FOUND ("workflow
   * execution already completed"), and the rollout stopped with green current and blue's workers
   * still running, instead of finishing. A workflow that finished has nothing left to move. (This
   * test failed on the old code, where the drain pinned each listed workflow with a plain pin.)
   */
  @Test
  void movingWorkflowsSkipsOneThatFinishedAfterItWasListed() {
    String running = start();
    String finished = start();
    TEMPORAL.client().newUntypedWorkflowStub(finished).terminate("finished on its own");

    List<String> moved = deployments.pinAll(List.of(finished, running), GREEN);

    assertThat(moved).containsExactly(running);
  }

  /**
   * A workflow running on green (its first task done, answered by a query). Green is not the
   * current version, so the workflow is sent there by an override, as the rollout's gate does.
   */
  private String start() {
    String id = "deployments-it-" + UUID.randomUUID();
    Waiting workflow = TEMPORAL.client().newWorkflowStub(Waiting.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(QUEUE)
            .setVersioningOverride(new VersioningOverride.PinnedVersioningOverride(
                new WorkerDeploymentVersion(DEPLOYMENT, GREEN)))
            .build());
    WorkflowClient.start(workflow::run);
    assertThat(workflow.started()).isTrue();
    return id;
  }
}
