package io.durapay.worker.v2.replay;

import io.durapay.contracts.ChargeResult;
import io.durapay.worker.testing.AllPaymentActivities;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentResult;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.PaymentWorkflow;
import io.durapay.contracts.RefundResult;
import io.durapay.contracts.RiskDecision;
import io.durapay.contracts.StatusChange;
import io.durapay.contracts.TransitionResult;
import io.durapay.contracts.WebhookNotification;
import io.durapay.contracts.WebhookResult;
import io.durapay.contracts.WorkflowIds;
import io.durapay.contracts.WorkflowStarter;
import io.durapay.worker.testing.ScriptedActivities;
import io.temporal.activity.Activity;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One run of a scenario on its own test environment: the payment's workflow stub, the scripted
 * activities behind it, and the ways to take its history — once closed, or while it waits.
 */
final class ScenarioRun {
  final ScriptedActivities activities = new ScriptedActivities();
  final PaymentWorkflow workflow;
  private final WorkflowClient client;
  private final PaymentRequest request;
  private volatile Hold chargeAttemptHold;
  private volatile int heldChargeAttempt;
  private volatile Hold transitionHold;
  private volatile PaymentStatus heldTransition;
  private boolean started;

  ScenarioRun(WorkflowClient client, String taskQueue, String scenario) {
    this.client = client;
    this.request = new PaymentRequest(scenario, "mer_replay", 2500, "EUR", "corr-" + scenario);
    this.workflow =
        client.newWorkflowStub(
            PaymentWorkflow.class, WorkflowStarter.options(request, taskQueue));
  }

  /** What the worker runs: the scripted activities, with a charge attempt that can be held. */
  AllPaymentActivities workerActivities() {
    return new Held();
  }

  /** Holds the given attempt of the charge (the ones before it run as scripted) until released. */
  Hold holdChargeAttempt(int attempt) {
    chargeAttemptHold = new Hold();
    heldChargeAttempt = attempt;
    return chargeAttemptHold;
  }

  /** Holds the status change to {@code status} until released. */
  Hold holdTransitionTo(PaymentStatus status) {
    transitionHold = new Hold();
    heldTransition = status;
    return transitionHold;
  }

  /** Starts the workflow without waiting for it; time does not skip until {@link #finish}. */
  void start() {
    WorkflowClient.start(workflow::process, request);
    started = true;
  }

  /** The history as it stands now. */
  WorkflowExecutionHistory history() {
    return client.fetchHistory(WorkflowIds.forPayment(request.paymentId()));
  }

  /** The history of a workflow still running, which must end at a waiting point, not closed. */
  WorkflowExecutionHistory inFlightHistory() {
    WorkflowExecutionHistory history = history();
    HistoryEvent last = history.getLastEvent();
    expect(!last.hasWorkflowExecutionCompletedEventAttributes()
            && !last.hasWorkflowExecutionFailedEventAttributes(),
        "an in-flight history must not be closed, but it ends with " + last.getEventType());
    return history;
  }

  /** Runs the workflow to its end (time skips), checks how it ended, returns its history. */
  WorkflowExecutionHistory finish(String expectedOutcome) {
    if (!started) {
      start();
    }
    PaymentResult result = WorkflowStub.fromTyped(workflow).getResult(PaymentResult.class);
    expect(expectedOutcome.equals(result.outcome()),
        "expected outcome " + expectedOutcome + " but the workflow returned " + result);
    return history();
  }

  static void expect(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }

  /** A step that signals when it starts and waits to be released. */
  static final class Hold {
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    void awaitStarted() throws InterruptedException {
      expect(started.await(20, TimeUnit.SECONDS), "the held step never started");
    }

    void release() {
      released.countDown();
    }

    private void pass() {
      started.countDown();
      try {
        expect(released.await(20, TimeUnit.SECONDS), "the held step was never released");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** The scripted activities, except that one charge attempt or one status change may be held. */
  private final class Held implements AllPaymentActivities {
    @Override
    public void validatePayment(PaymentRequest request) {
      activities.validatePayment(request);
    }

    @Override
    public RiskDecision screenPayment(PaymentRequest request) {
      return activities.screenPayment(request);
    }

    @Override
    public TransitionResult updatePaymentStatus(StatusChange change) {
      Hold hold = transitionHold;
      if (hold != null && change.to() == heldTransition) {
        hold.pass();
      }
      return activities.updatePaymentStatus(change);
    }

    @Override
    public ChargeResult processPaymentWithGateway(PaymentRequest request) {
      Hold hold = chargeAttemptHold;
      if (hold != null
          && Activity.getExecutionContext().getInfo().getAttempt() == heldChargeAttempt) {
        hold.pass();
      }
      return activities.processPaymentWithGateway(request);
    }

    @Override
    public RefundResult compensatePayment(PaymentRequest request) {
      return activities.compensatePayment(request);
    }

    @Override
    public WebhookResult sendWebhookNotification(WebhookNotification notification) {
      return activities.sendWebhookNotification(notification);
    }
  }
}
