package io.durapay.api.workflows;

import com.google.protobuf.Timestamp;
import io.durapay.api.api.Timeline;
import io.durapay.contracts.PaymentState;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Turns a workflow history into the readable summary of {@link Timeline.Workflow}. */
public final class TimelineSummary {
  private TimelineSummary() {}

  /**
   * The summary of one run's history. {@code runs} are the workflow's runs, newest first, the one
   * summarised first: a fetched history carries only a placeholder run id.
   */
  public static Timeline.Workflow of(WorkflowExecutionHistory history, List<String> runs, PaymentState state) {
    Map<Long, ActivityBuilder> activities = new LinkedHashMap<>();
    List<Timeline.Signal> signals = new ArrayList<>();
    Set<String> workers = new LinkedHashSet<>();
    String taskQueue = null;
    Instant startedAt = null;
    Instant closedAt = null;
    String execution = "running";

    for (HistoryEvent event : history.getEvents()) {
      Instant at = instant(event.getEventTime());
      switch (event.getEventType()) {
        case EVENT_TYPE_WORKFLOW_EXECUTION_STARTED -> {
          taskQueue = event.getWorkflowExecutionStartedEventAttributes().getTaskQueue().getName();
          startedAt = at;
        }
        case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> {
          ActivityBuilder activity = new ActivityBuilder();
          activity.name = event.getActivityTaskScheduledEventAttributes().getActivityType().getName();
          activity.scheduledAt = at;
          activities.put(event.getEventId(), activity);
        }
        case EVENT_TYPE_ACTIVITY_TASK_STARTED -> {
          var attributes = event.getActivityTaskStartedEventAttributes();
          ActivityBuilder activity = activities.get(attributes.getScheduledEventId());
          if (activity != null) {
            activity.startedAt = at;
            activity.attempts = attributes.getAttempt();
            if (attributes.hasLastFailure()) {
              activity.error = attributes.getLastFailure().getMessage();
            }
          }
        }
        case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> close(activities,
            event.getActivityTaskCompletedEventAttributes().getScheduledEventId(), at, "completed", null);
        case EVENT_TYPE_ACTIVITY_TASK_FAILED -> {
          var attributes = event.getActivityTaskFailedEventAttributes();
          close(activities, attributes.getScheduledEventId(), at, "failed",
              attributes.getFailure().getMessage());
        }
        case EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT -> close(activities,
            event.getActivityTaskTimedOutEventAttributes().getScheduledEventId(), at, "timed_out",
            event.getActivityTaskTimedOutEventAttributes().getFailure().getMessage());
        case EVENT_TYPE_ACTIVITY_TASK_CANCELED -> close(activities,
            event.getActivityTaskCanceledEventAttributes().getScheduledEventId(), at, "cancelled", null);
        case EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED -> signals.add(
            new Timeline.Signal(event.getWorkflowExecutionSignaledEventAttributes().getSignalName(), at));
        case EVENT_TYPE_WORKFLOW_TASK_COMPLETED -> {
          String identity = event.getWorkflowTaskCompletedEventAttributes().getIdentity();
          if (!identity.isEmpty()) {
            workers.add(identity);
          }
        }
        case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
            EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
            EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
            EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
            EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
            EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW -> {
          closedAt = at;
          execution = event.getEventType().name()
              .substring("EVENT_TYPE_WORKFLOW_EXECUTION_".length())
              .toLowerCase(Locale.ROOT);
        }
        default -> {
          // Workflow tasks, markers and timers say nothing an operator needs here.
        }
      }
    }
    return new Timeline.Workflow(
        history.getWorkflowExecution().getWorkflowId(),
        runs.get(0),
        List.copyOf(runs),
        taskQueue,
        state == null ? null : state.build(),
        execution,
        startedAt,
        closedAt,
        state,
        activities.values().stream().map(ActivityBuilder::build).toList(),
        signals,
        List.copyOf(workers));
  }

  private static void close(
      Map<Long, ActivityBuilder> activities, long scheduledId, Instant at, String outcome, String error) {
    ActivityBuilder activity = activities.get(scheduledId);
    if (activity != null) {
      activity.closedAt = at;
      activity.outcome = outcome;
      if (error != null) {
        activity.error = error;
      }
    }
  }

  private static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  private static final class ActivityBuilder {
    String name;
    Instant scheduledAt;
    Instant startedAt;
    Instant closedAt;
    Integer attempts;
    String outcome = "running";
    String error;

    Timeline.ActivityRun build() {
      return new Timeline.ActivityRun(name, scheduledAt, startedAt, closedAt, attempts, outcome, error);
    }
  }
}
