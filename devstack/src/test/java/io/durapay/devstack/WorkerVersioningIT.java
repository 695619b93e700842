package io.durapay.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.TaskQueues;
import io.durapay.contracts.WorkflowIds;
import io.durapay.rollout.WorkerDeployments;
import io.durapay.store.PaymentDao;
import io.durapay.store.StatusHistoryEntry;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
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
 * flight at the gateway. PINNED workflows finish on the build that started them; AUTO_UPGRADE
 * ones move to v2 at their next task (safe because v2's patches replay every v1 history). Either
 * way each payment completes, charged once, with no failed workflow task, and the server's record
 * of the version agrees with the builds the database recorded.
 */
class WorkerVersioningIT {
  private static final String QUEUE = TaskQueues.PAYMENTS_V1;

  @Test
  void pinnedWorkflowsFinishOnTheBuildThatStartedThemWhenTheCurrentVersionMoves() throws Exception {
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
    }
  }

  @Test
  void autoUpgradeWorkflowsMoveToTheNewCurrentVersionAtTheirNextTask() throws Exception {
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
    MerchantApi api = new MerchantApi(stack::apiUrl);
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
}
