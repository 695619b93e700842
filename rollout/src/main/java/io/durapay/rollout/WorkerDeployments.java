package io.durapay.rollout;

import com.google.protobuf.FieldMask;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.deployment.v1.RoutingConfig;
import io.temporal.api.deployment.v1.WorkerDeploymentVersion;
import io.temporal.api.deployment.v1.WorkerDeploymentVersionInfo;
import io.temporal.api.workflow.v1.VersioningOverride;
import io.temporal.api.workflow.v1.WorkflowExecutionOptions;
import io.temporal.api.workflowservice.v1.DescribeWorkerDeploymentRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkerDeploymentVersionRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.SetWorkerDeploymentCurrentVersionRequest;
import io.temporal.api.workflowservice.v1.SetWorkerDeploymentRampingVersionRequest;
import io.temporal.api.workflowservice.v1.UpdateWorkflowExecutionOptionsRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The operator's moves on a Worker Deployment, through the server's API (what {@code temporal
 * worker deployment set-current-version} / {@code set-ramping-version} / {@code describe-version}
 * do): the Java SDK has no higher-level client for them yet.
 *
 * <p>Long because each Worker Deployment call is built by hand from the server's raw requests, the
 * SDK having no client for them; they stay in one class so that every call goes through the one
 * call method, which retries the server's per-deployment rate limit and brief outages.
 */
public final class WorkerDeployments {
  private static final String IDENTITY = "durapay-rollout";
  private static final Duration RETRY_FOR = Duration.ofSeconds(60);

  private final WorkflowServiceStubs stubs;
  private final String namespace;
  private final String deployment;

  public WorkerDeployments(WorkflowServiceStubs stubs, String namespace, String deployment) {
    this.stubs = stubs;
    this.namespace = namespace;
    this.deployment = deployment;
  }

  public String deployment() {
    return deployment;
  }

  /**
   * How visibility writes a version in the {@code TemporalWorkerDeploymentVersion} search
   * attribute: {@code <deployment>:<build id>}.
   */
  public String versionName(String buildId) {
    return deployment + ":" + buildId;
  }

  /** New workflows (and AUTO_UPGRADE ones at their next task) go to this build from now on. */
  public void setCurrent(String buildId) {
    call(() -> stubs.blockingStub().setWorkerDeploymentCurrentVersion(SetWorkerDeploymentCurrentVersionRequest.newBuilder()
        .setNamespace(namespace).setDeploymentName(deployment).setBuildId(buildId)
        .setIdentity(IDENTITY).build()));
  }

  /** Sends {@code percent} of new workflows to this build; 0 with an empty build id ends the ramp. */
  public void setRamping(String buildId, float percent) {
    call(() -> stubs.blockingStub().setWorkerDeploymentRampingVersion(SetWorkerDeploymentRampingVersionRequest.newBuilder()
        .setNamespace(namespace).setDeploymentName(deployment).setBuildId(buildId).setPercentage(percent)
        .setIdentity(IDENTITY).build()));
  }

  /** No ramping version any more: new workflows all go to the current version. */
  public void stopRamping() {
    setRamping("", 0);
  }

  /** The deployment's routing: its current version and its ramping version and percentage. */
  public RoutingConfig routing() {
    return call(() -> stubs.blockingStub().describeWorkerDeployment(DescribeWorkerDeploymentRequest.newBuilder()
        .setNamespace(namespace).setDeploymentName(deployment).build()))
        .getWorkerDeploymentInfo().getRoutingConfig();
  }

  /** The build ids of every version the server knows of this deployment. */
  public Set<String> buildIds() {
    Set<String> ids = new LinkedHashSet<>();
    call(() -> stubs.blockingStub().describeWorkerDeployment(DescribeWorkerDeploymentRequest.newBuilder()
            .setNamespace(namespace).setDeploymentName(deployment).build()))
        .getWorkerDeploymentInfo().getVersionSummariesList()
        .forEach(v -> ids.add(v.getDeploymentVersion().getBuildId()));
    return ids;
  }

  /** The current version's build id, or an empty string when there is none. */
  public String currentBuildId() {
    return routing().getCurrentDeploymentVersion().getBuildId();
  }

  /**
   * Pins one workflow to a version (a versioning override): it runs there from its next task on,
   * whatever the current version, until the override is removed.
   */
  public void pin(String workflowId, String buildId) {
    call(() -> stubs.blockingStub().updateWorkflowExecutionOptions(UpdateWorkflowExecutionOptionsRequest.newBuilder()
        .setNamespace(namespace)
        .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
        .setWorkflowExecutionOptions(WorkflowExecutionOptions.newBuilder().setVersioningOverride(
            VersioningOverride.newBuilder().setPinned(VersioningOverride.PinnedOverride.newBuilder()
                .setBehavior(VersioningOverride.PinnedOverrideBehavior.PINNED_OVERRIDE_BEHAVIOR_PINNED)
                .setVersion(WorkerDeploymentVersion.newBuilder().setDeploymentName(deployment).setBuildId(buildId)))))
        .setUpdateMask(FieldMask.newBuilder().addPaths("versioning_override"))
        .setIdentity(IDENTITY)
        .build()));
  }

  /**
   * Before a rollback: pins to {@code buildId} every running workflow the server has on that
   * version, so that none is moved back to code that cannot replay what the newer build recorded
   * (an AUTO_UPGRADE workflow would be; a PINNED one stays anyway, and the override changes
   * nothing for it). Returns the workflow ids it pinned.
   */
  public List<String> pinRunningOn(String buildId) {
    return pinAll(runningOn(buildId), buildId);
  }

  /**
   * Pins each of the workflows to {@code buildId}; returns those it pinned. One that finished
   * since it was listed (visibility lags, and workflows finish while a rollout works) is skipped:
   * it has nothing left to route.
   */
  public List<String> pinAll(List<String> workflowIds, String buildId) {
    List<String> pinned = new ArrayList<>();
    for (String workflowId : workflowIds) {
      try {
        pin(workflowId, buildId);
        pinned.add(workflowId);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
          throw e;
        }
      }
    }
    return pinned;
  }

  /** Workflow ids of the running workflows whose version (per visibility) is {@code buildId}. */
  public List<String> runningOn(String buildId) {
    return workflowIds("ExecutionStatus='Running' AND TemporalWorkerDeploymentVersion='" + versionName(buildId) + "'");
  }

  /** Workflow ids a visibility query selects, every page. */
  public List<String> workflowIds(String query) {
    List<String> ids = new ArrayList<>();
    var request = ListWorkflowExecutionsRequest.newBuilder().setNamespace(namespace).setQuery(query).setPageSize(1000);
    while (true) {
      ListWorkflowExecutionsResponse page = call(() -> stubs.blockingStub().listWorkflowExecutions(request.build()));
      page.getExecutionsList().forEach(e -> ids.add(e.getExecution().getWorkflowId()));
      if (page.getNextPageToken().isEmpty()) {
        return ids;
      }
      request.setNextPageToken(page.getNextPageToken());
    }
  }

  /** What the server knows of a version: its status, drainage, task queues. */
  public WorkerDeploymentVersionInfo describe(String buildId) {
    return call(() -> stubs.blockingStub().describeWorkerDeploymentVersion(DescribeWorkerDeploymentVersionRequest.newBuilder()
        .setNamespace(namespace)
        .setDeploymentVersion(WorkerDeploymentVersion.newBuilder().setDeploymentName(deployment).setBuildId(buildId))
        .build())).getWorkerDeploymentVersionInfo();
  }

  /**
   * The server limits the requests per Worker Deployment (RESOURCE_EXHAUSTED "too many requests
   * issued to Worker Deployment") and may be briefly unavailable: such a call is retried with
   * backoff for up to {@link #RETRY_FOR}; any other error is the caller's.
   */
  static <T> T call(Supplier<T> request) {
    Instant deadline = Instant.now().plus(RETRY_FOR);
    long backoff = 200;
    while (true) {
      try {
        return request.get();
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        boolean retryable = code == Status.Code.RESOURCE_EXHAUSTED || code == Status.Code.UNAVAILABLE;
        if (!retryable || Instant.now().isAfter(deadline)) {
          throw e;
        }
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        backoff = Math.min(backoff * 2, 3000);
      }
    }
  }
}
