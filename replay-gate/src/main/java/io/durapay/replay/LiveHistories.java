package io.durapay.replay;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.common.WorkflowExecutionHistory;
import java.util.List;

/**
 * Histories fetched from a live cluster: by workflow id (GetWorkflowExecutionHistory needs no
 * visibility store, so this works on any server), or every run a visibility query finds.
 */
final class LiveHistories {
  private LiveHistories() {}

  /**
   * The latest run of each workflow. One that does not exist is skipped (a payment whose start
   * has not reached Temporal yet); any other error stops the run, because a gate that cannot see
   * a history must not pass.
   */
  static List<HistoryInput> inputs(WorkflowClient client, List<String> workflowIds) {
    return workflowIds.stream().map(id -> new HistoryInput(id, () -> fetch(client, id, null))).toList();
  }

  /**
   * The runs that ListWorkflowExecutions finds for {@code query}, newest first, at most {@code
   * limit}; each is fetched by its run id, so a workflow's earlier runs are checked too. A server
   * without visibility (Temporal's test server) fails the run: the gate must not pass unseen.
   */
  static List<HistoryInput> found(WorkflowClient client, String query, int limit) {
    List<WorkflowExecution> runs;
    try {
      runs = client.listExecutions(query).limit(limit).map(WorkflowExecutionMetadata::getExecution).toList();
    } catch (RuntimeException e) {
      throw new IllegalStateException("the visibility query failed (" + query + "): " + e.getMessage(), e);
    }
    return runs.stream()
        .map(run -> new HistoryInput(run.getWorkflowId() + " run " + run.getRunId(),
            () -> fetch(client, run.getWorkflowId(), run.getRunId())))
        .toList();
  }

  /** The run's history (the latest run when {@code runId} is null); null when there is none. */
  private static WorkflowExecutionHistory fetch(WorkflowClient client, String workflowId, String runId) {
    try {
      return runId == null ? client.fetchHistory(workflowId) : client.fetchHistory(workflowId, runId);
    } catch (RuntimeException e) {
      if (isNotFound(e)) {
        return null;
      }
      throw new IllegalStateException("cannot fetch the history of " + workflowId + ": " + e.getMessage(), e);
    }
  }

  private static boolean isNotFound(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof WorkflowNotFoundException
          || (t instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.NOT_FOUND)) {
        return true;
      }
    }
    return false;
  }
}
