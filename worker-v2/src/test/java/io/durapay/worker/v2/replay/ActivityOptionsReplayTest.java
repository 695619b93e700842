package io.durapay.worker.v2.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.activity.ActivityOptions;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.RetryOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import io.durapay.worker.v1.PaymentWorkflowV1Impl;
import io.durapay.worker.v2.PaymentWorkflowV2Impl;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * A replay proves that a build schedules the same activities, by type, in the same order; it does
 * not compare the timeouts and retry policy each was scheduled with, which are just as much a part
 * of the command. This test replays v1's histories on v1 as it is now, captures the options of
 * every activity it schedules, and holds them field by field against what the history recorded: a
 * change of {@code PaymentActivityOptions} or of which options v1 gives which activity fails here,
 * naming the history, the activity and the field.
 *
 * <p>Only v1, the deployed build, is held to its histories: v2's charge and webhook gained a
 * schedule-to-close after some of its histories were recorded, on purpose and before it shipped
 * (options are not part of what a replay must reproduce). That difference is the negative control:
 * v1's histories replayed on v2 must show it, so the comparison is known to see a changed option.
 */
class ActivityOptionsReplayTest {
  /** What the server records for a schedule-to-close the workflow left unset (no run timeout). */
  private static final Duration UNSET_SCHEDULE_TO_CLOSE = Duration.ofDays(3650);

  record Scheduled(String type, ActivityOptions options) {}

  @TestFactory
  Stream<DynamicTest> v1SchedulesEveryActivityWithTheOptionsItsHistoriesRecorded() throws Exception {
    Map<String, WorkflowExecutionHistory> histories = ReplayCompatibilityTest.histories(Build.V1);
    Map<String, List<Scheduled>> scheduled = replay(histories, PaymentWorkflowV1Impl.class);
    return histories.entrySet().stream().map(entry -> DynamicTest.dynamicTest(
        "v1/" + entry.getKey() + ".json: every activity scheduled as recorded",
        () -> assertThat(differences(entry.getValue(), scheduled)).as("v1/" + entry.getKey()).isEmpty()));
  }

  @Test
  void v2SchedulesTheChargeAndWebhooksOfV1HistoriesWithItsOwnScheduleToClose() throws Exception {
    Map<String, WorkflowExecutionHistory> histories = ReplayCompatibilityTest.histories(Build.V1);
    Map<String, List<Scheduled>> scheduled = replay(histories, PaymentWorkflowV2Impl.class);
    WorkflowExecutionHistory success = histories.get("success");

    assertThat(differences(success, scheduled)).containsExactly(
        "activity 3 (ProcessPaymentWithGateway): schedule-to-close PT3M, recorded PT87600H",
        "activity 5 (SendWebhookNotification): schedule-to-close PT10M, recorded PT87600H");
  }

  /** Replays the histories on the workflow class; what each workflow scheduled, by workflow id. */
  private static Map<String, List<Scheduled>> replay(
      Map<String, WorkflowExecutionHistory> histories, Class<?> workflowClass) throws Exception {
    CaptureActivityOptions capture = new CaptureActivityOptions();
    TestWorkflowEnvironment environment = TestWorkflowEnvironment.newInstance(
        TestEnvironmentOptions.newBuilder()
            .setWorkerFactoryOptions(WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(capture).build())
            .build());
    try {
      Worker worker = environment.newWorker("activity-options-replay");
      worker.registerWorkflowImplementationTypes(workflowClass);
      for (WorkflowExecutionHistory history : histories.values()) {
        WorkflowReplayer.replayWorkflowExecution(history, worker);
      }
    } finally {
      environment.close();
    }
    return capture.scheduled;
  }

  /** Every option of every activity that differs from what the history recorded, in words. */
  private static List<String> differences(
      WorkflowExecutionHistory history, Map<String, List<Scheduled>> scheduled) {
    List<ActivityTaskScheduledEventAttributes> recorded = history.getEvents().stream()
        .filter(HistoryEvent::hasActivityTaskScheduledEventAttributes)
        .map(HistoryEvent::getActivityTaskScheduledEventAttributes).toList();
    List<Scheduled> now = scheduled.getOrDefault(history.getWorkflowExecution().getWorkflowId(), List.of());
    List<String> differences = new ArrayList<>();
    if (now.size() != recorded.size()) {
      differences.add(now.size() + " activities scheduled on replay, " + recorded.size() + " recorded");
      return differences;
    }
    for (int i = 0; i < recorded.size(); i++) {
      ActivityTaskScheduledEventAttributes was = recorded.get(i);
      ActivityOptions is = now.get(i).options();
      String what = "activity " + (i + 1) + " (" + was.getActivityType().getName() + "): ";
      RetryOptions retry = is.getRetryOptions();
      var policy = was.getRetryPolicy();
      compare(differences, what + "type", now.get(i).type(), was.getActivityType().getName());
      compare(differences, what + "start-to-close", is.getStartToCloseTimeout(), duration(was.getStartToCloseTimeout()));
      compare(differences, what + "schedule-to-close",
          is.getScheduleToCloseTimeout() == null ? UNSET_SCHEDULE_TO_CLOSE : is.getScheduleToCloseTimeout(),
          duration(was.getScheduleToCloseTimeout()));
      compare(differences, what + "initial interval", retry.getInitialInterval(), duration(policy.getInitialInterval()));
      compare(differences, what + "backoff", retry.getBackoffCoefficient(), policy.getBackoffCoefficient());
      compare(differences, what + "maximum interval", retry.getMaximumInterval(), duration(policy.getMaximumInterval()));
      compare(differences, what + "maximum attempts", retry.getMaximumAttempts(), policy.getMaximumAttempts());
      compare(differences, what + "non-retryable types",
          retry.getDoNotRetry() == null ? List.of() : List.of(retry.getDoNotRetry()),
          List.copyOf(policy.getNonRetryableErrorTypesList()));
    }
    return differences;
  }

  private static void compare(List<String> differences, String what, Object now, Object recorded) {
    if (!now.equals(recorded)) {
      differences.add(what + " " + now + ", recorded " + recorded);
    }
  }

  private static Duration duration(com.google.protobuf.Duration d) {
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  /** Records, per workflow id, the type and options of every activity the workflow schedules. */
  private static final class CaptureActivityOptions extends WorkerInterceptorBase {
    final Map<String, List<Scheduled>> scheduled = new ConcurrentHashMap<>();

    @Override
    public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
      return new WorkflowInboundCallsInterceptorBase(next) {
        @Override
        public void init(WorkflowOutboundCallsInterceptor outbound) {
          super.init(new WorkflowOutboundCallsInterceptorBase(outbound) {
            @Override
            public <R> ActivityOutput<R> executeActivity(ActivityInput<R> input) {
              scheduled.computeIfAbsent(Workflow.getInfo().getWorkflowId(), id -> new ArrayList<>())
                  .add(new Scheduled(input.getActivityName(), input.getOptions()));
              return super.executeActivity(input);
            }
          });
        }
      };
    }
  }
}
