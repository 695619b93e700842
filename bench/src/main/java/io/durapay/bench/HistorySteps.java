package io.durapay.bench;

import com.google.protobuf.Timestamp;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a workflow's time goes, read from its history's event times: for workflow tasks and for
 * each activity type, how long a task waited to be picked up (scheduled → started: dispatch
 * through the server to a polling worker) and how long it ran (started → completed). Summed over
 * the steps of one workflow, then percentiles over many workflows.
 */
final class HistorySteps {
  /** Per step name: dispatch and run time of that step in each workflow, summed within the workflow. */
  private final Map<String, Latencies[]> steps = new LinkedHashMap<>();
  private final List<Integer> tasksPerWorkflow = new ArrayList<>();

  /** Adds the history of workflow {@code workflowId}. */
  void add(WorkflowClient client, String workflowId) {
    add(client.fetchHistory(workflowId).getEvents());
  }

  void add(List<HistoryEvent> events) {
    Map<Long, HistoryEvent> byId = new HashMap<>();
    Map<String, long[]> sums = new LinkedHashMap<>();
    int workflowTasks = 0;
    for (HistoryEvent event : events) {
      byId.put(event.getEventId(), event);
      switch (event.getEventType()) {
        case EVENT_TYPE_WORKFLOW_TASK_STARTED -> {
          HistoryEvent scheduled = byId.get(event.getWorkflowTaskStartedEventAttributes().getScheduledEventId());
          sums.computeIfAbsent("workflow tasks", k -> new long[2])[0] += between(scheduled, event);
          workflowTasks++;
        }
        case EVENT_TYPE_WORKFLOW_TASK_COMPLETED -> {
          HistoryEvent started = byId.get(event.getWorkflowTaskCompletedEventAttributes().getStartedEventId());
          sums.computeIfAbsent("workflow tasks", k -> new long[2])[1] += between(started, event);
        }
        case EVENT_TYPE_ACTIVITY_TASK_STARTED -> {
          HistoryEvent scheduled = byId.get(event.getActivityTaskStartedEventAttributes().getScheduledEventId());
          sums.computeIfAbsent(activityName(scheduled), k -> new long[2])[0] += between(scheduled, event);
        }
        case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> {
          HistoryEvent started = byId.get(event.getActivityTaskCompletedEventAttributes().getStartedEventId());
          HistoryEvent scheduled = byId.get(event.getActivityTaskCompletedEventAttributes().getScheduledEventId());
          sums.computeIfAbsent(activityName(scheduled), k -> new long[2])[1] += between(started, event);
        }
        default -> { }
      }
    }
    tasksPerWorkflow.add(workflowTasks);
    sums.forEach((name, sum) -> {
      Latencies[] step = steps.computeIfAbsent(name, k -> new Latencies[] {new Latencies(), new Latencies()});
      step[0].add(sum[0]);
      step[1].add(sum[1]);
    });
  }

  /** One line per step: p50 of dispatch and of run time, per workflow. */
  void print(String indent) {
    System.out.printf("%s%-28s %14s %14s%n", indent, "step (summed per workflow)", "dispatch p50", "run p50");
    double dispatch = 0;
    double run = 0;
    for (Map.Entry<String, Latencies[]> step : steps.entrySet()) {
      double d = step.getValue()[0].percentileMs(50);
      double r = step.getValue()[1].percentileMs(50);
      dispatch += d;
      run += r;
      String name = step.getKey().equals("workflow tasks")
          ? "workflow tasks (" + tasksPerWorkflow.stream().sorted().toList().get(tasksPerWorkflow.size() / 2) + ")"
          : step.getKey();
      System.out.printf("%s%-28s %11.1f ms %11.1f ms%n", indent, name, d, r);
    }
    System.out.printf("%s%-28s %11.1f ms %11.1f ms%n", indent, "sum of the medians", dispatch, run);
  }

  private static String activityName(HistoryEvent scheduled) {
    return "activity " + scheduled.getActivityTaskScheduledEventAttributes().getActivityType().getName();
  }

  private static long between(HistoryEvent from, HistoryEvent to) {
    return from == null ? 0 : Math.max(0, nanos(to.getEventTime()) - nanos(from.getEventTime()));
  }

  private static long nanos(Timestamp time) {
    return time.getSeconds() * 1_000_000_000L + time.getNanos();
  }
}
