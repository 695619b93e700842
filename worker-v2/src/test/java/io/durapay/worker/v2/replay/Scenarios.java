package io.durapay.worker.v2.replay;

import static io.durapay.worker.v2.replay.ScenarioRun.expect;
import static org.awaitility.Awaitility.await;

import io.durapay.contracts.CancelRequest;
import io.durapay.contracts.PaymentStatus;
import io.durapay.worker.testing.ScriptedActivities;
import io.durapay.worker.testing.ScriptedActivities.Gate;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Every path recorded for the replay tests: each way a payment can end, and the waiting points
 * where a workflow is in flight when a new build takes over — those are the histories that meet
 * new code.
 */
final class Scenarios {
  private static final Set<Build> EVERY_BUILD = EnumSet.allOf(Build.class);
  private static final Set<Build> FROM_V2 = EnumSet.of(Build.V2);

  static final List<Scenario> ALL = List.of(
      finished("success", a -> {}, "completed"),
      finished("decline", a -> a.gatewayDeclines("card_declined"), "declined"),
      new Scenario("retry-then-success", EVERY_BUILD, run -> {
        run.activities.gatewayFailsFirst(2);
        WorkflowExecutionHistory history = run.finish("completed");
        expect(run.activities.chargeCalls.get() == 3, "the charge should succeed on attempt 3");
        return history;
      }),
      finished("failure-after-charge",
          a -> a.transitionFailsFor(PaymentStatus.COMPLETED), "failed_refunded"),
      finished("refund-rejected",
          a -> a.transitionFailsFor(PaymentStatus.COMPLETED).refundRejected(), "refund_failed"),
      new Scenario("cancel-before-charge", EVERY_BUILD, run -> {
        Gate validation = run.activities.holdValidation();
        run.start();
        validation.awaitStarted();
        run.workflow.cancel(new CancelRequest("customer changed their mind", "merchant"));
        validation.release();
        WorkflowExecutionHistory history = run.finish("cancelled");
        expect(run.activities.chargeCalls.get() == 0, "a cancel before the charge charges nothing");
        return history;
      }),
      new Scenario("cancel-during-charge", EVERY_BUILD, run -> {
        Gate charge = run.activities.holdCharge();
        run.start();
        charge.awaitStarted();
        run.workflow.cancel(new CancelRequest("fraud suspected", "merchant"));
        charge.release();
        return run.finish("cancelled_refunded");
      }),
      new Scenario("cancel-after-final", EVERY_BUILD, run -> {
        Gate webhook = run.activities.holdWebhook();
        run.start();
        webhook.awaitStarted();
        // Completed and notifying: the payment is final, so the signal is recorded and ignored.
        run.workflow.cancel(new CancelRequest("too late", "merchant"));
        webhook.release();
        WorkflowExecutionHistory history = run.finish("completed");
        expect(run.activities.refunds.get() == 0, "a cancel after the final status refunds nothing");
        expect(history.getEvents().stream()
                .anyMatch(HistoryEvent::hasWorkflowExecutionSignaledEventAttributes),
            "the ignored cancel signal should be in the history");
        return history;
      }),
      finished("webhook-down", ScriptedActivities::webhookAlwaysFails, "completed"),
      new Scenario("gateway-never-answers", EVERY_BUILD, run -> {
        run.activities.gatewayFailsFirst(3);
        WorkflowExecutionHistory history = run.finish("failed_refunded");
        expect(run.activities.chargeCalls.get() == 3 && run.activities.refunds.get() == 1,
            "three charge attempts, then one refund");
        return history;
      }),
      finished("database-outage",
          a -> a.databaseDownFor(PaymentStatus.COMPLETED, 10), "completed"),
      finished("already-handled", ScriptedActivities::alreadyHandled, "already_handled"),
      new Scenario("risk-rejected", FROM_V2, run -> {
        run.activities.riskRejects("blocked_payment_method", "the payment method is blocked");
        WorkflowExecutionHistory history = run.finish("risk_rejected");
        expect(run.activities.chargeCalls.get() == 0, "a rejected payment is never charged");
        return history;
      }),

      new Scenario("gateway-key-refused", FROM_V2, run -> {
        // Every attempt of the first charge is refused for the key; it is fixed during the wait.
        run.activities.gatewayRefusesKeyFirst(3);
        WorkflowExecutionHistory history = run.finish("completed");
        expect(run.activities.chargeCalls.get() == 4 && run.activities.refunds.get() == 0,
            "three refused attempts, a wait, then one charge and no refund");
        return history;
      }),

      // In flight: the history as it stands while the workflow waits, then the run is finished.
      new Scenario("inflight-validation-held", EVERY_BUILD, run -> {
        Gate validation = run.activities.holdValidation();
        run.start();
        validation.awaitStarted();
        WorkflowExecutionHistory history = run.inFlightHistory();
        validation.release();
        run.finish("completed");
        return history;
      }),
      new Scenario("inflight-processing-held", EVERY_BUILD, run -> {
        // The last waiting point before v2's first change: the history stops short of it.
        ScenarioRun.Hold processing = run.holdTransitionTo(PaymentStatus.PROCESSING);
        run.start();
        processing.awaitStarted();
        WorkflowExecutionHistory history = run.inFlightHistory();
        processing.release();
        run.finish("completed");
        return history;
      }),
      new Scenario("inflight-charge-held", EVERY_BUILD, run -> {
        Gate charge = run.activities.holdCharge();
        run.start();
        charge.awaitStarted();
        WorkflowExecutionHistory history = run.inFlightHistory();
        charge.release();
        run.finish("completed");
        return history;
      }),
      new Scenario("inflight-charge-retrying", EVERY_BUILD, run -> {
        // The first attempt fails and the second is held: the history is taken between attempts.
        // Retries live on the server, not in the history, so this is also what a charge backing
        // off between attempts looks like.
        run.activities.gatewayFailsFirst(1);
        ScenarioRun.Hold secondAttempt = run.holdChargeAttempt(2);
        run.start();
        secondAttempt.awaitStarted();
        WorkflowExecutionHistory history = run.inFlightHistory();
        secondAttempt.release();
        run.finish("completed");
        expect(run.activities.chargeCalls.get() == 2, "the charge should succeed on attempt 2");
        return history;
      }),
      new Scenario("inflight-waiting-for-gateway-key", FROM_V2, run -> {
        run.activities.gatewayRefusesKeyFirst(3);
        run.start();
        await().atMost(Duration.ofSeconds(30))
            .until(() -> "waiting_for_gateway_key".equals(run.workflow.state().step()));
        WorkflowExecutionHistory history = run.inFlightHistory();
        run.finish("completed");
        return history;
      }),
      new Scenario("inflight-webhook-held", EVERY_BUILD, run -> {
        Gate webhook = run.activities.holdWebhook();
        run.start();
        webhook.awaitStarted();
        WorkflowExecutionHistory history = run.inFlightHistory();
        webhook.release();
        run.finish("completed");
        return history;
      }),
      new Scenario("inflight-settling", FROM_V2, run -> {
        // The charge's outcome is unknown and v2 waits out the settle window before the refund
        // lookup. Time does not skip until finish(), so the timer is still pending here.
        run.activities.gatewayFailsFirst(3);
        run.start();
        WorkflowExecutionHistory history = await().atMost(Duration.ofSeconds(30))
            .until(run::history, h -> h.getLastEvent().hasTimerStartedEventAttributes());
        run.finish("failed_refunded");
        return history;
      }));

  private Scenarios() {}

  /** The scenarios a build can take, in recording order. */
  static List<Scenario> forBuild(Build build) {
    return ALL.stream().filter(s -> s.builds().contains(build)).toList();
  }

  /** A path run to its end without interaction: script the activities, check the outcome. */
  private static Scenario finished(
      String name, Consumer<ScriptedActivities> script, String expectedOutcome) {
    return new Scenario(name, EVERY_BUILD, run -> {
      script.accept(run.activities);
      return run.finish(expectedOutcome);
    });
  }
}
