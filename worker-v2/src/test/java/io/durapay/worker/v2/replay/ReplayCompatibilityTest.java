package io.durapay.worker.v2.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.durapay.contracts.WorkflowIds;
import io.durapay.contracts.FailureTypes;
import io.durapay.worker.v1.PaymentWorkflowV1Impl;
import io.durapay.worker.v2.PaymentWorkflowV2Impl;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.ReplayResults;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays the committed histories ({@code src/test/resources/histories/<build>/}, recorded by
 * {@link HistoryRecorder}) against the workflow builds: every v1 history on v1 and on v2, every v2
 * history on v2. One replay worker per build and folder; one dynamic test per history, named by
 * its file. The negative controls show the replays have teeth: v2 without its getVersion guards
 * must fail exactly the v1 histories that reached a changed point, and v1 must fail the v2
 * histories that went through a patch (why a rollback after v2 ran is unsafe).
 */
class ReplayCompatibilityTest {

  /**
   * v1 histories that went past the point where v2 added risk screening (after "processing",
   * before the charge): every one in which the charge was scheduled.
   */
  static final Set<String> V1_PAST_RISK_SCREENING_POINT = Set.of(
      "success", "decline", "retry-then-success", "failure-after-charge", "refund-rejected",
      "cancel-during-charge", "cancel-after-final", "webhook-down", "gateway-never-answers",
      "database-outage", "inflight-charge-held", "inflight-charge-retrying",
      "inflight-webhook-held");

  /** v1 histories that went past the point where v2 added the settle timer: an unknown charge. */
  static final Set<String> V1_PAST_SETTLE_POINT = Set.of("gateway-never-answers");

  /** v2 histories that went through a patch: every one that got past "processing" uncancelled. */
  static final Set<String> V2_THROUGH_A_PATCH = Set.of(
      "success", "decline", "retry-then-success", "failure-after-charge", "refund-rejected",
      "cancel-during-charge", "cancel-after-final", "webhook-down", "gateway-never-answers",
      "database-outage", "risk-rejected", "inflight-charge-held", "inflight-charge-retrying",
      "inflight-webhook-held", "inflight-settling", "gateway-key-refused", "inflight-waiting-for-gateway-key");

  @TestFactory
  Stream<DynamicTest> everyV1HistoryReplaysOnV1() throws Exception {
    return replay(Build.V1, PaymentWorkflowV1Impl.class, Set.of());
  }

  @TestFactory
  Stream<DynamicTest> everyV1HistoryReplaysOnV2() throws Exception {
    return replay(Build.V1, PaymentWorkflowV2Impl.class, Set.of());
  }

  @TestFactory
  Stream<DynamicTest> everyV2HistoryReplaysOnV2() throws Exception {
    return replay(Build.V2, PaymentWorkflowV2Impl.class, Set.of());
  }

  @TestFactory
  Stream<DynamicTest> withoutItsGuardsV2FailsExactlyTheV1HistoriesPastAChangedPoint()
      throws Exception {
    return replay(Build.V1, UnguardedPaymentWorkflowV2.class, V1_PAST_RISK_SCREENING_POINT);
  }

  @TestFactory
  Stream<DynamicTest> withoutTheSettleGuardV2FailsExactlyTheV1HistoriesWithAnUnknownCharge()
      throws Exception {
    return replay(Build.V1, UnguardedPaymentWorkflowV2.SettleUnguarded.class, V1_PAST_SETTLE_POINT);
  }

  @TestFactory
  Stream<DynamicTest> rollingBackToV1FailsEveryV2HistoryThatWentThroughAPatch() throws Exception {
    return replay(Build.V2, PaymentWorkflowV1Impl.class, V2_THROUGH_A_PATCH);
  }

  /** The lists above are what the histories themselves show, not merely what happened to fail. */
  @Test
  void theChangedPointListsMatchWhatTheHistoriesRecorded() throws Exception {
    Map<String, WorkflowExecutionHistory> v1 = histories(Build.V1);
    assertThat(namesWhere(v1, h -> scheduled(h, "ProcessPaymentWithGateway")))
        .isEqualTo(new TreeSet<>(V1_PAST_RISK_SCREENING_POINT));
    assertThat(namesWhere(v1, ReplayCompatibilityTest::chargeFailedWithoutADecline))
        .isEqualTo(new TreeSet<>(V1_PAST_SETTLE_POINT));
    assertThat(namesWhere(histories(Build.V2),
            h -> h.getEvents().stream().anyMatch(HistoryEvent::hasMarkerRecordedEventAttributes)))
        .isEqualTo(new TreeSet<>(V2_THROUGH_A_PATCH));
  }

  /**
   * Replays every history of {@code build} on {@code workflowClass} with one worker, then yields
   * one test per history: those named in {@code mustFail} must fail with a non-determinism error,
   * every other must replay cleanly.
   */
  private static Stream<DynamicTest> replay(
      Build build, Class<?> workflowClass, Set<String> mustFail) throws Exception {
    Map<String, WorkflowExecutionHistory> histories = histories(build);
    assertThat(histories.keySet()).as("histories named to fail in %s", build.id)
        .containsAll(mustFail);
    ReplayResults results =
        WorkflowReplayer.replayWorkflowExecutions(histories.values(), false, workflowClass);
    Map<String, Exception> errors =
        results.allErrors().stream()
            .collect(Collectors.toMap(e -> e.workflowId, e -> e.exception));
    String on = workflowClass.getSimpleName();
    return histories.keySet().stream().map(name -> {
      String file = build.id + "/" + name + ".json";
      Exception error = errors.get(WorkflowIds.forPayment(name));
      if (mustFail.contains(name)) {
        return DynamicTest.dynamicTest(file + " fails on " + on, () -> {
          if (error == null) {
            fail(file + " replayed on " + on + ", but it went past a changed point and must not");
          }
          assertThat(error.getMessage()).as("why %s failed on %s", file, on)
              .contains("NonDeterministicException");
        });
      }
      return DynamicTest.dynamicTest(file + " replays on " + on, () -> {
        if (error != null) {
          throw new AssertionError(file + " does not replay on " + on + ": " + reason(error), error);
        }
      });
    });
  }

  /**
   * The committed histories of a build by scenario name (file name without {@code .json}); fails
   * unless every scenario the recorder knows for the build is there.
   */
  static Map<String, WorkflowExecutionHistory> histories(Build build)
      throws IOException, URISyntaxException {
    URL folder = ReplayCompatibilityTest.class.getResource("/histories/" + build.id);
    assertThat(folder).as("history folder histories/%s on the test classpath", build.id).isNotNull();
    Map<String, WorkflowExecutionHistory> histories = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(Path.of(folder.toURI()))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        String name = file.getFileName().toString().replaceFirst("\\.json$", "");
        histories.put(name,
            WorkflowExecutionHistory.fromJson(Files.readString(file), WorkflowIds.forPayment(name)));
      }
    }
    List<String> scenarios = Scenarios.forBuild(build).stream().map(Scenario::name).toList();
    assertThat(histories).as("histories/%s must hold a history of every scenario", build.id)
        .hasSizeGreaterThanOrEqualTo(scenarios.size())
        .containsKeys(scenarios.toArray(String[]::new));
    return histories;
  }

  /** The replayer wraps the cause in a query failure; the line that says what diverged. */
  private static String reason(Exception error) {
    String message = String.valueOf(error.getMessage());
    int at = message.indexOf("error=");
    String reason = at < 0 ? message : message.substring(at + "error=".length());
    int trace = reason.indexOf("\n\tat ");
    return trace < 0 ? reason : reason.substring(0, trace);
  }

  private static Set<String> namesWhere(
      Map<String, WorkflowExecutionHistory> histories, Predicate<WorkflowExecutionHistory> test) {
    return histories.entrySet().stream().filter(e -> test.test(e.getValue()))
        .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
  }

  private static boolean scheduled(WorkflowExecutionHistory history, String activityType) {
    return history.getEvents().stream().anyMatch(e -> e.hasActivityTaskScheduledEventAttributes()
        && e.getActivityTaskScheduledEventAttributes().getActivityType().getName()
            .equals(activityType));
  }

  /** The charge's last attempt failed, and not with a decline: its outcome is unknown. */
  private static boolean chargeFailedWithoutADecline(WorkflowExecutionHistory history) {
    Set<Long> charges = history.getEvents().stream()
        .filter(e -> e.hasActivityTaskScheduledEventAttributes()
            && e.getActivityTaskScheduledEventAttributes().getActivityType().getName()
                .equals("ProcessPaymentWithGateway"))
        .map(HistoryEvent::getEventId).collect(Collectors.toSet());
    return history.getEvents().stream().anyMatch(e -> e.hasActivityTaskFailedEventAttributes()
        && charges.contains(e.getActivityTaskFailedEventAttributes().getScheduledEventId())
        && !FailureTypes.PAYMENT_DECLINED.equals(e.getActivityTaskFailedEventAttributes()
            .getFailure().getApplicationFailureInfo().getType()));
  }
}
