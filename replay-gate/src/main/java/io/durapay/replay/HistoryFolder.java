package io.durapay.replay;

import io.temporal.api.history.v1.History;
import io.temporal.common.WorkflowExecutionHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Histories committed or exported as JSON: every {@code *.json} under a folder. */
final class HistoryFolder {
  private HistoryFolder() {}

  /** The files in path order, so runs print the same lines. */
  static List<HistoryInput> inputs(Path folder) throws IOException {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(p -> p.toString().endsWith(".json") && Files.isRegularFile(p))
          .sorted()
          .map(file -> new HistoryInput(file.toString(), () -> read(file)))
          .toList();
    }
  }

  /** A history as the SDK or the Temporal CLI exports it ({@link ExportedHistory}). */
  static WorkflowExecutionHistory read(Path file) throws HistoryInput.Unreadable {
    try {
      History history = ExportedHistory.parse(Files.readString(file));
      return new WorkflowExecutionHistory(history, workflowId(history, file));
    } catch (IOException | RuntimeException e) {
      throw new HistoryInput.Unreadable("not a workflow history: " + e.getMessage(), e);
    }
  }

  /**
   * From the history when the server recorded it there (newer servers do), otherwise from the
   * file name, which exports name after the workflow ({@code payment-….json}). Without an id,
   * the SDK would report every failure as {@code workflow_id_in_replay}.
   */
  private static String workflowId(History history, Path file) {
    if (history.getEventsCount() == 0) {
      throw new IllegalArgumentException("no events");
    }
    String id = history.getEvents(0).getWorkflowExecutionStartedEventAttributes().getWorkflowId();
    if (!id.isEmpty()) {
      return id;
    }
    String name = file.getFileName().toString();
    return name.substring(0, name.length() - ".json".length());
  }
}
