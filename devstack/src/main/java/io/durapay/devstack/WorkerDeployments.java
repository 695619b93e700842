package io.durapay.devstack;

import com.google.protobuf.FieldMask;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.deployment.v1.WorkerDeploymentVersion;
import io.temporal.api.deployment.v1.WorkerDeploymentVersionInfo;
import io.temporal.api.workflow.v1.VersioningOverride;
import io.temporal.api.workflow.v1.WorkflowExecutionOptions;
import io.temporal.api.workflowservice.v1.DescribeWorkerDeploymentVersionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.SetWorkerDeploymentCurrentVersionRequest;
import io.temporal.api.workflowservice.v1.SetWorkerDeploymentRampingVersionRequest;
import io.temporal.api.workflowservice.v1.UpdateWorkflowExecutionOptionsRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.ArrayList;
import java.util.List;

/**
 * The operator's moves on a Worker Deployment, through the server's API (what {@code temporal
 * worker deployment set-current-version} / {@code set-ramping-version} / {@code describe-version}
 * do): the Java SDK has no higher-level client for them yet.
 */
public final class WorkerDeployments {
  private final WorkflowServiceStubs stubs;
  private final String namespace;
  private final String deployment;

  public WorkerDeployments(WorkflowServiceStubs stubs, String namespace, String deployment) {
    this.stubs = stubs;
    this.namespace = namespace;
    this.deployment = deployment;
  }

  /** New workflows (and AUTO_UPGRADE ones at their next task) go to this build from now on. */
  public void setCurrent(String buildId) {
    stubs.blockingStub().setWorkerDeploymentCurrentVersion(SetWorkerDeploymentCurrentVersionRequest.newBuilder()
        .setNamespace(namespace).setDeploymentName(deployment).setBuildId(buildId)
        .setIdentity("durapay-devstack").build());
  }

  /** Sends {@code percent} of new workflows to this build; 0 with an empty build id ends the ramp. */
  public void setRamping(String buildId, float percent) {
    stubs.blockingStub().setWorkerDeploymentRampingVersion(SetWorkerDeploymentRampingVersionRequest.newBuilder()
        .setNamespace(namespace).setDeploymentName(deployment).setBuildId(buildId).setPercentage(percent)
        .setIdentity("durapay-devstack").build());
  }

  /**
   * Pins one workflow to a version (a versioning override): it runs there from its next task on,
   * whatever the current version, until the override is removed.
   */
  public void pin(String workflowId, String buildId) {
    stubs.blockingStub().updateWorkflowExecutionOptions(UpdateWorkflowExecutionOptionsRequest.newBuilder()
        .setNamespace(namespace)
        .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
        .setWorkflowExecutionOptions(WorkflowExecutionOptions.newBuilder().setVersioningOverride(
            VersioningOverride.newBuilder().setPinned(VersioningOverride.PinnedOverride.newBuilder()
                .setBehavior(VersioningOverride.PinnedOverrideBehavior.PINNED_OVERRIDE_BEHAVIOR_PINNED)
                .setVersion(WorkerDeploymentVersion.newBuilder().setDeploymentName(deployment).setBuildId(buildId)))))
        .setUpdateMask(FieldMask.newBuilder().addPaths("versioning_override"))
        .setIdentity("durapay-devstack")
        .build());
  }

  /**
   * Before a rollback under AUTO_UPGRADE: pins to {@code buildId} every running workflow of
   * {@code taskQueue} that the server has on that version, so that none is moved back to code
   * that cannot replay what the newer build recorded. Returns the workflow ids it pinned.
   */
  public List<String> pinRunningOn(String buildId, String taskQueue) {
    List<String> pinned = new ArrayList<>();
    var service = stubs.blockingStub();
    var page = service.listWorkflowExecutions(ListWorkflowExecutionsRequest.newBuilder().setNamespace(namespace)
        .setQuery("ExecutionStatus='Running' AND TaskQueue='" + taskQueue + "'").setPageSize(1000).build());
    for (var execution : page.getExecutionsList()) {
      var info = service.describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
          .setNamespace(namespace).setExecution(execution.getExecution()).build()).getWorkflowExecutionInfo();
      if (info.getVersioningInfo().getDeploymentVersion().getBuildId().equals(buildId)) {
        pin(execution.getExecution().getWorkflowId(), buildId);
        pinned.add(execution.getExecution().getWorkflowId());
      }
    }
    return pinned;
  }

  /** What the server knows of a version: its status, drainage, task queues. */
  public WorkerDeploymentVersionInfo describe(String buildId) {
    return stubs.blockingStub().describeWorkerDeploymentVersion(DescribeWorkerDeploymentVersionRequest.newBuilder()
        .setNamespace(namespace)
        .setDeploymentVersion(WorkerDeploymentVersion.newBuilder().setDeploymentName(deployment).setBuildId(buildId))
        .build()).getWorkerDeploymentVersionInfo();
  }
}
