package io.durapay.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.durapay.apiclient.ApiClient;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.TaskQueues;
import io.durapay.contracts.WorkflowIds;
import io.durapay.rollout.WorkerDeployments;
import io.durapay.store.PaymentDao;
import io.durapay.store.StatusHistoryEntry;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.WorkflowExecutionVersioningInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.common.VersioningBehavior;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Worker Versioning on the real server: v1 and v2 run as two versions of one Worker Deployment on
 * one task queue, and the current version moves from v1 to v2 while v1 payments are held in
 * flight at the gateway, then back to v1 while payments v2 started are held. Each test moves one
 * stack forward, then back.
 *
 * <p>Forward: PINNED workflows finish on the build that started them; AUTO_UPGRADE ones move to v2
 * at their next task (safe because v2's patches replay every v1 history). Either way each payment
 * completes, charged once, with no failed workflow task, and the server's record of the version
 * agrees with the builds the database recorded.
 *
 * <p>Back: a history v2 recorded (its risk screening) does not replay on v1. PINNED keeps such a
 * workflow on v2 by itself. Under AUTO_UPGRADE a rollback that does not first pin them sends them
 * to v1, which fails their workflow tasks with a non-determinism error until v2 is made current
 * again; pinned to v2 before the current version moves (what the rollback must do), they finish
 * on v2.
 */
class WorkerVersioningIT {
  private static final String QUEUE = TaskQueues.PAYMENTS_V1;

  @Test
  void pinnedWorkflowsFinishOnTheBuildThatStartedThemWhenTheCurrentVersionMovesForwardAndBack() throws Exception {
    try (Stack stack = newStack()) {
      Moved run = moveCurrentVersionWithPaymentsInFlight(stack, "durapay-pinned-it", VersioningBehavior.PINNED);

      for (String id : run.startedOnBlue()) {
        assertThat(run.builds(id)).as("builds of " + id).isNotEmpty().containsOnly("v1");
        assertThat(run.serverVersion(id).getDeploymentVersion().getBuildId()).isEqualTo(Stack.buildId("v1"));
        assertThat(run.serverVersion(id).getBehavior().name()).endsWith("PINNED");
      }
      for (String id : run.startedOnGreen()) {
        assertThat(run.builds(id)).as("builds of " + id).isNotEmpty().containsOnly("v2");
        assertThat(run.serverVersion(id).getDeploymentVersion().getBuildId()).isEqualTo(Stack.buildId("v2"));
      }

      // Back: what green started stays on green; what starts after the rollback runs on blue.
      WorkerDeployments deployments = deployments(stack, "durapay-pinned-it");
      String onGreen = heldPaymentStartedOnGreen(stack);
      deployments.setCurrent(Stack.buildId("v1"));
      stack.gateway().releaseAll();

      assertCompletedOnlyBy(stack, onGreen, "v2");
      assertThat(failedWorkflowTasks(stack, onGreen)).isEmpty();
      String afterRollback = new ApiClient(stack::apiUrl).createPayment(stack.demoMerchant().apiKey(), "pm_card_visa", "after");
      assertCompletedOnlyBy(stack, afterRollback, "v1");
    }
  }

  @Test
  void autoUpgradeWorkflowsMoveToTheNewCurrentVersionAtTheirNextTaskAndARollbackMustPinGreensFirst() throws Exception {
    try (Stack stack = newStack()) {
      Moved run = moveCurrentVersionWithPaymentsInFlight(stack, "durapay-upgrade-it", VersioningBehavior.AUTO_UPGRADE);

      for (String id : run.startedOnBlue()) {
        // Moved to processing by v1; after the held charge, v2 carried it to completed.
        assertThat(run.builds(id)).as("builds of " + id).startsWith("v1").endsWith("v2");
        assertThat(run.serverVersion(id).getDeploymentVersion().getBuildId()).isEqualTo(Stack.buildId("v2"));
        assertThat(run.serverVersion(id).getBehavior().name()).endsWith("AUTO_UPGRADE");
      }
      for (String id : run.startedOnGreen()) {
        assertThat(run.builds(id)).as("builds of " + id).isNotEmpty().containsOnly("v2");
      }

      // Back.
      WorkerDeployments deployments = deployments(stack, "durapay-upgrade-it");
      ApiClient api = new ApiClient(stack::apiUrl);
      // Negative control: roll back without pinning. The workflow green started moves to v1 at its
      // next task, and v1 cannot replay what v2 recorded.
      String unpinned = heldPaymentStartedOnGreen(stack);
      deployments.setCurrent(Stack.buildId("v1"));
      stack.gateway().release(List.of(unpinned));
      await().atMost(Duration.ofSeconds(60)).until(() -> !failedWorkflowTasks(stack, unpinned).isEmpty());
      var failed = failedWorkflowTasks(stack, unpinned).get(0).getWorkflowTaskFailedEventAttributes();
      assertThat(failed.getCause()).isEqualTo(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR);
      assertThat(failed.getFailure().getMessage()).contains("[TMPRL1100]", "ScreenPayment");
      // The workflow is stuck there: open, its task failing on v1. (The v2 worker's sticky cache
      // may carry it a few more tasks first; the payment's status can already read completed.)
      assertThat(workflowStatus(stack, unpinned)).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
      // Pinning it now did not help in our runs (Server 1.32: the override in place, the move to v1
      // already begun, the task still sent to v1 and failing 30 s later). Making v2 current again
      // does: the move goes back to code that replays the history.
      deployments.pin(WorkflowIds.forPayment(unpinned), Stack.buildId("v2"));
      deployments.setCurrent(Stack.buildId("v2"));
      assertCompletedOnlyBy(stack, unpinned, "v2");

      // The rollback as it must be done: pin what runs on green, then move the current version.
      String pinnedFirst = heldPaymentStartedOnGreen(stack);
      assertThat(deployments.pinRunningOn(Stack.buildId("v2"))).contains(WorkflowIds.forPayment(pinnedFirst));
      deployments.setCurrent(Stack.buildId("v1"));
      stack.gateway().releaseAll();

      assertCompletedOnlyBy(stack, pinnedFirst, "v2");
      assertThat(failedWorkflowTasks(stack, pinnedFirst)).isEmpty();
      String afterRollback = api.createPayment(stack.demoMerchant().apiKey(), "pm_card_visa", "after");
      assertCompletedOnlyBy(stack, afterRollback, "v1");
    }
  }

  /** What happened to the payments started before and after the move. */
  private record Moved(Stack stack, List<String> startedOnBlue, List<String> startedOnGreen) {
    List<String> builds(String id) {
      return stack.jdbi().onDemand(PaymentDao.class).history(id).stream()
          .map(StatusHistoryEntry::workerBuild).filter(Objects::nonNull).toList();
    }

    WorkflowExecutionVersioningInfo serverVersion(String id) {
      return stack.workflowClient().getWorkflowServiceStubs().blockingStub()
          .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder().setNamespace("default")
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId(WorkflowIds.forPayment(id))).build())
          .getWorkflowExecutionInfo().getVersioningInfo();
    }
  }

  private static Stack newStack() throws Exception {
    return Stack.start(StackSettings.anyFreePorts(Files.createTempDirectory("durapay-versioning-it")));
  }

  private static Moved moveCurrentVersionWithPaymentsInFlight(
      Stack stack, String deployment, VersioningBehavior behavior) throws Exception {
    WorkerDeployments deployments =
        new WorkerDeployments(stack.workflowClient().getWorkflowServiceStubs(), "default", deployment);
    ApiClient api = new ApiClient(stack::apiUrl);
    String key = stack.demoMerchant().apiKey();
    stack.stopWorker("v1", QUEUE);
    stack.startVersionedWorker("v1", QUEUE, deployment, behavior);
    // The server learns of a version from its workers' polls.
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
      deployments.setCurrent(Stack.buildId("v1"));
      return true;
    });

    stack.gateway().holdCharges();
    List<String> blue = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      blue.add(api.createPayment(key, "pm_card_visa", "started on v1"));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> stack.gateway().heldPayments().containsAll(blue));

    stack.startVersionedWorker("v2", QUEUE, deployment, behavior);
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
      deployments.setCurrent(Stack.buildId("v2"));
      return true;
    });
    List<String> green = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      green.add(api.createPayment(key, "pm_card_visa", "started on v2"));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> stack.gateway().heldPayments().containsAll(green));
    stack.gateway().releaseAll();

    PaymentDao payments = stack.jdbi().onDemand(PaymentDao.class);
    List<String> all = new ArrayList<>(blue);
    all.addAll(green);
    await().atMost(Duration.ofSeconds(60)).until(() ->
        all.stream().allMatch(id -> payments.findById(id).orElseThrow().status().isFinal()));
    for (String id : all) {
      assertThat(payments.findById(id).orElseThrow().status()).as(id).isEqualTo(PaymentStatus.COMPLETED);
      assertThat(stack.gateway().charges()).as("charges of " + id).filteredOn(c -> c.paymentId().equals(id)).hasSize(1);
      assertThat(stack.workflowClient().fetchHistory(WorkflowIds.forPayment(id)).getEvents())
          .as("failed workflow tasks of " + id)
          .noneMatch(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    }
    return new Moved(stack, blue, green);
  }

  private static WorkerDeployments deployments(Stack stack, String deployment) {
    return new WorkerDeployments(stack.workflowClient().getWorkflowServiceStubs(), "default", deployment);
  }

  /** A payment started while v2 is current, its charge held at the gateway (v2 screened it first). */
  private static String heldPaymentStartedOnGreen(Stack stack) throws Exception {
    stack.gateway().holdCharges();
    String id = new ApiClient(stack::apiUrl).createPayment(stack.demoMerchant().apiKey(), "pm_card_visa", "on green");
    await().atMost(Duration.ofSeconds(30)).until(() -> stack.gateway().heldPayments().contains(id));
    return id;
  }

  private static void assertCompletedOnlyBy(Stack stack, String id, String build) {
    PaymentDao payments = stack.jdbi().onDemand(PaymentDao.class);
    await().atMost(Duration.ofSeconds(60)).until(() -> payments.findById(id).orElseThrow().status().isFinal());
    assertThat(payments.findById(id).orElseThrow().status()).as(id).isEqualTo(PaymentStatus.COMPLETED);
    assertThat(stack.gateway().charges()).as("charges of " + id).filteredOn(c -> c.paymentId().equals(id)).hasSize(1);
    assertThat(payments.history(id).stream().map(StatusHistoryEntry::workerBuild).filter(Objects::nonNull))
        .as("builds of " + id).isNotEmpty().containsOnly(build);
    // And the workflow itself closes (its webhook sent), not only the payment's status.
    await().atMost(Duration.ofSeconds(60)).until(() ->
        workflowStatus(stack, id) == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
  }

  private static WorkflowExecutionStatus workflowStatus(Stack stack, String id) {
    return stack.workflowClient().newUntypedWorkflowStub(WorkflowIds.forPayment(id)).describe().getStatus();
  }

  private static List<HistoryEvent> failedWorkflowTasks(Stack stack, String id) {
    return stack.workflowClient().fetchHistory(WorkflowIds.forPayment(id)).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED).toList();
  }
}
