package io.durapay.replay;

import io.temporal.common.WorkflowExecutionHistory;
import java.util.concurrent.Callable;

/**
 * One history to check: the name it is reported by (a file or a workflow id) and how to get it.
 * The loader returns null when there is no workflow to replay, and throws {@link Unreadable}
 * when the input is not a history; any other exception stops the run.
 */
record HistoryInput(String name, Callable<WorkflowExecutionHistory> loader) {

  /** The input exists but is not a workflow history: the gate reports it as a failure. */
  static final class Unreadable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreadable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
