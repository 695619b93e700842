package io.durapay.api.workflows;

import com.google.protobuf.Timestamp;
import io.durapay.api.responses.Timeline;
import io.durapay.contracts.FailureTypes;
import io.durapay.contracts.MerchantMessages;
import io.durapay.contracts.PaymentState;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DataConverterException;
import io.temporal.common.converter.DefaultDataConverter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
            activity.worker = attributes.getIdentity().isEmpty() ? null : attributes.getIdentity();
            if (attributes.hasLastFailure()) {
              activity.failed(attributes.getLastFailure());
            }
          }
        }
        case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> close(activities,
            event.getActivityTaskCompletedEventAttributes().getScheduledEventId(), at, "completed", null);
        case EVENT_TYPE_ACTIVITY_TASK_FAILED -> {
          var attributes = event.getActivityTaskFailedEventAttributes();
          close(activities, attributes.getScheduledEventId(), at, "failed", attributes.getFailure());
        }
        case EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT -> close(activities,
            event.getActivityTaskTimedOutEventAttributes().getScheduledEventId(), at, "timed_out",
            event.getActivityTaskTimedOutEventAttributes().getFailure());
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
      Map<Long, ActivityBuilder> activities, long scheduledId, Instant at, String outcome, Failure failure) {
    ActivityBuilder activity = activities.get(scheduledId);
    if (activity != null) {
      activity.closedAt = at;
      activity.outcome = outcome;
      if (failure != null) {
        activity.failed(failure);
      }
    }
  }

  /**
   * The code of an activity's failure, as the workflows read it: the failure's first detail where
   * it carries one (a decline code, a validation code), else one for its type.
   */
  static String codeOf(Failure failure) {
    if (failure.hasTimeoutFailureInfo()) {
      return "timeout";
    }
    if (!failure.hasApplicationFailureInfo()) {
      return MerchantMessages.GENERIC_CODE;
    }
    var info = failure.getApplicationFailureInfo();
    if (info.getType().equals(FailureTypes.WEBHOOK_NOT_DELIVERED)) {
      return "webhook_not_delivered";
    }
    if (info.getType().equals(FailureTypes.PAYMENT_NOT_INITIATED)) {
      return "already_final"; // its detail is the status another run left it in
    }
    if (info.getDetails().getPayloadsCount() > 0) {
      try {
        String code = DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(
            0, Optional.of(info.getDetails()), String.class, String.class);
        if (code != null) {
          return code;
        }
      } catch (DataConverterException notAString) {
        // A detail that is not a code: go by the type.
      }
    }
    return FailureTypes.codeFor(info.getType());
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
    String errorCode;
    String error;
    String worker;

    void failed(Failure failure) {
      errorCode = codeOf(failure);
      error = failure.getMessage();
    }

    Timeline.ActivityRun build() {
      return new Timeline.ActivityRun(
          name, scheduledAt, startedAt, closedAt, attempts, outcome, errorCode, error, worker);
    }
  }
}
