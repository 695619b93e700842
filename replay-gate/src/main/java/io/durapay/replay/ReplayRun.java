package io.durapay.replay;

import io.temporal.common.WorkflowExecutionHistory;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Loads, replays and reports histories in batches, so memory stays flat however many there are.
 * Loading (reading and parsing files, or fetching from a cluster) runs on its own threads, and the
 * next batch loads while this one replays.
 */
final class ReplayRun implements AutoCloseable {
  private static final int BATCH = 500;
  /** Loads are mostly waiting (disk, or a cluster milliseconds away), so more than the cores. */
  private static final int LOADERS = 8;

  private final HistoryReplayer replayer;
  private final String taskQueue;
  private final PrintStream out;
  private final ExecutorService loaders = Executors.newFixedThreadPool(LOADERS);
  private int replayed;
  private int failed;

  /** With a task queue, only histories started on it are replayed. */
  ReplayRun(HistoryReplayer replayer, String taskQueue, PrintStream out) {
    this.replayer = replayer;
    this.taskQueue = taskQueue;
    this.out = out;
  }

  record Result(int replayed, int failed) {}

  /** Prints a line per input and, when any history was replayed, the summary. */
  Result run(List<HistoryInput> inputs) throws Exception {
    if (inputs.isEmpty()) {
      return new Result(0, 0);
    }
    long started = System.nanoTime();
    List<List<HistoryInput>> batches = new ArrayList<>();
    for (int from = 0; from < inputs.size(); from += BATCH) {
      batches.add(inputs.subList(from, Math.min(inputs.size(), from + BATCH)));
    }
    List<Future<WorkflowExecutionHistory>> next = load(batches.get(0));
    for (int b = 0; b < batches.size(); b++) {
      List<Future<WorkflowExecutionHistory>> loads = next;
      next = b + 1 < batches.size() ? load(batches.get(b + 1)) : null;
      replay(batches.get(b), loads);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    if (replayed > 0) {
      out.printf("replayed %d, failed %d in %.2f s (%.0f histories/s)%n",
          replayed, failed, seconds, replayed / seconds);
    }
    return new Result(replayed, failed);
  }

  private List<Future<WorkflowExecutionHistory>> load(List<HistoryInput> batch) {
    return batch.stream().map(input -> loaders.submit(input.loader())).toList();
  }

  private void replay(List<HistoryInput> batch, List<Future<WorkflowExecutionHistory>> loads)
      throws Exception {
    String[] lines = new String[batch.size()];
    List<WorkflowExecutionHistory> histories = new ArrayList<>();
    List<Integer> lineOf = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      String name = batch.get(i).name();
      WorkflowExecutionHistory history;
      try {
        history = loads.get(i).get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof HistoryInput.Unreadable unreadable)) {
          throw e.getCause() instanceof Exception cause ? cause : e;
        }
        lines[i] = "FAIL " + name + ": " + unreadable.getMessage().lines().findFirst().orElse("");
        replayed++;
        failed++;
        continue;
      }
      if (history == null) {
        lines[i] = "skip " + name + ": no workflow";
        continue;
      }
      String queue =
          history.getEvents().get(0).getWorkflowExecutionStartedEventAttributes().getTaskQueue().getName();
      if (taskQueue != null && !taskQueue.equals(queue)) {
        lines[i] = "skip " + name + ": started on task queue " + queue;
        continue;
      }
      histories.add(history);
      lineOf.add(i);
    }

    List<Exception> failures = replayer.replay(histories);
    for (int j = 0; j < histories.size(); j++) {
      WorkflowExecutionHistory history = histories.get(j);
      String id = HistoryReplayer.workflowId(history);
      Exception failure = failures.get(j);
      lines[lineOf.get(j)] = failure == null
          ? "ok   " + id + " (" + history.getEvents().size() + " events)"
          : "FAIL " + id + " first divergent event: " + Divergence.describe(failure);
      replayed++;
      failed += failure == null ? 0 : 1;
    }
    for (String line : lines) {
      out.println(line);
    }
  }

  @Override
  public void close() {
    loaders.shutdownNow();
  }
}
