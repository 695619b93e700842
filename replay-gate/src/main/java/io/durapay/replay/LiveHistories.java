package io.durapay.replay;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.util.List;

/**
 * Histories fetched from a live cluster by workflow id. GetWorkflowExecutionHistory needs no
 * visibility store, so this works on the test server as on a real cluster.
 */
final class LiveHistories {
  private LiveHistories() {}

  /**
   * The latest run of each workflow. One that does not exist is skipped (a payment whose start
   * has not reached Temporal yet); any other error stops the run, because a gate that cannot see
   * a history must not pass.
   */
  static List<HistoryInput> inputs(WorkflowClient client, List<String> workflowIds) {
    return workflowIds.stream()
        .map(id -> new HistoryInput(id, () -> {
          try {
            return client.fetchHistory(id);
          } catch (RuntimeException e) {
            if (isNotFound(e)) {
              return null;
            }
            throw new IllegalStateException("cannot fetch the history of " + id + ": " + e.getMessage(), e);
          }
        }))
        .toList();
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
