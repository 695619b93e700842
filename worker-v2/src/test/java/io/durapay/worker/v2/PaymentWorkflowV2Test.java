package io.durapay.worker.v2;

import static org.assertj.core.api.Assertions.assertThat;

import io.durapay.contracts.EventType;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentResult;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.PaymentWorkflow;
import io.durapay.worker.testing.ScriptedActivities;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What v2 adds to v1, on the time-skipping test environment with scripted activities. */
class PaymentWorkflowV2Test {

  @RegisterExtension
  static final TestWorkflowExtension TEMPORAL =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(PaymentWorkflowV2Impl.class)
          .setDoNotStart(true)
          .build();

  private static final PaymentRequest REQUEST =
      new PaymentRequest("pay_v2", "mer_test", 2500, "EUR", "corr-v2");

  private final ScriptedActivities activities = new ScriptedActivities();

  private void start(TestWorkflowEnvironment env, Worker worker) {
    worker.registerActivitiesImplementations(activities);
    env.start();
  }

  @Test
  void anApprovedPaymentIsScreenedOnceThenChargedAndCompleted(
      TestWorkflowEnvironment env, Worker worker, PaymentWorkflow workflow) {
    start(env, worker);

    PaymentResult result = workflow.process(REQUEST);

    assertThat(result.status()).isEqualTo(PaymentStatus.COMPLETED);
    assertThat(activities.screenings).hasValue(1);
    assertThat(activities.chargeCalls).hasValue(1);
    assertThat(workflow.state().build()).isEqualTo("v2");
  }

  @Test
  void aPaymentTheRulesRejectFailsWithoutEverReachingTheGateway(
      TestWorkflowEnvironment env, Worker worker, PaymentWorkflow workflow) {
    activities.riskRejects("blocked_payment_method", "the payment method is blocked");
    start(env, worker);

    PaymentResult result = workflow.process(REQUEST);

    assertThat(result.status()).isEqualTo(PaymentStatus.FAILED);
    assertThat(result.failureCode()).isEqualTo("risk_rejected");
    assertThat(result.outcome()).isEqualTo("risk_rejected");
    assertThat(activities.chargeCalls).hasValue(0);
    assertThat(activities.refunds).hasValue(0);
    assertThat(activities.statuses()).containsExactly(PaymentStatus.PROCESSING, PaymentStatus.FAILED);
    assertThat(activities.statusChanges.get(1).failureCode()).isEqualTo("risk_rejected");
    assertThat(activities.webhooks).containsExactly(EventType.PAYMENT_FAILED);
  }

  @Test
  void anUnknownChargeOutcomeWaitsTheSettleWindowBeforeTheRefundLookup(
      TestWorkflowEnvironment env, Worker worker, PaymentWorkflow workflow) {
    activities.gatewayFailsFirst(3);
    start(env, worker);

    PaymentResult result = workflow.process(REQUEST);

    assertThat(result.status()).isEqualTo(PaymentStatus.FAILED);
    assertThat(activities.refunds).hasValue(1);
    List<HistoryEvent> events = env.getWorkflowClient()
        .fetchHistory(WorkflowStub.fromTyped(workflow).getExecution().getWorkflowId()).getEvents();
    HistoryEvent timer = events.stream().filter(HistoryEvent::hasTimerStartedEventAttributes)
        .findFirst().orElseThrow(() -> new AssertionError("no settle timer"));
    assertThat(timer.getTimerStartedEventAttributes().getStartToFireTimeout().getSeconds())
        .isEqualTo(PaymentWorkflowV2Impl.SETTLE_WINDOW.toSeconds());
    long refundScheduled = events.stream()
        .filter(e -> e.hasActivityTaskScheduledEventAttributes()
            && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("CompensatePayment"))
        .findFirst().orElseThrow().getEventId();
    assertThat(refundScheduled).isGreaterThan(timer.getEventId());
  }

  @Test
  void aDeclineNeedsNoSettlingAndNoRefund(
      TestWorkflowEnvironment env, Worker worker, PaymentWorkflow workflow) {
    activities.gatewayDeclines("card_declined");
    start(env, worker);

    PaymentResult result = workflow.process(REQUEST);

    assertThat(result.outcome()).isEqualTo("declined");
    assertThat(activities.refunds).hasValue(0);
    assertThat(env.getWorkflowClient()
        .fetchHistory(WorkflowStub.fromTyped(workflow).getExecution().getWorkflowId()).getEvents())
        .noneMatch(HistoryEvent::hasTimerStartedEventAttributes);
  }

  /**
   * Finding 7's wait: the gateway refused the key for all three attempts of the charge (an
   * operator rotated it badly). v1 failed the payment; v2 waits and tries again, and the payment
   * completes once the key works, charged once and never refunded.
   */
  @Test
  void aChargeRefusedForTheKeyWaitsForTheKeyAndCompletes(
      TestWorkflowEnvironment env, Worker worker, PaymentWorkflow workflow) {
    activities.gatewayRefusesKeyFirst(6); // two whole charges of three attempts
    start(env, worker);

    PaymentResult result = workflow.process(REQUEST);

    assertThat(result.outcome()).isEqualTo("completed");
    assertThat(activities.chargeCalls).hasValue(7);
    assertThat(activities.refunds).hasValue(0);
    assertThat(timersOf(env, workflow)).containsExactly(
        PaymentWorkflowV2Impl.FIRST_KEY_WAIT.toSeconds(), PaymentWorkflowV2Impl.FIRST_KEY_WAIT.toSeconds() * 2);
  }

  /** A key never fixed: after a day of waiting the payment fails, and is compensated. */
  @Test
  void aKeyNeverFixedFailsThePaymentAfterTheWaitLimitAndCompensates(
      TestWorkflowEnvironment env, Worker worker, PaymentWorkflow workflow) {
    activities.gatewayRefusesKeyFirst(Integer.MAX_VALUE);
    start(env, worker);

    PaymentResult result = workflow.process(REQUEST);

    assertThat(result.status()).isEqualTo(PaymentStatus.FAILED);
    assertThat(result.failureCode()).isEqualTo("authentication_refused");
    assertThat(activities.refunds).as("an earlier attempt may have charged").hasValue(1);
    long waited = timersOf(env, workflow).stream().mapToLong(Long::longValue).sum();
    assertThat(waited).isGreaterThanOrEqualTo(PaymentWorkflowV2Impl.KEY_WAIT_LIMIT.toSeconds());
  }

  /** A cancel during the wait ends the payment cancelled, compensated all the same. */
  @Test
  void aCancelWhileWaitingForTheKeyCancelsAndCompensates(
      TestWorkflowEnvironment env, Worker worker, PaymentWorkflow workflow) {
    activities.gatewayRefusesKeyFirst(Integer.MAX_VALUE);
    start(env, worker);
    io.temporal.client.WorkflowClient.start(workflow::process, REQUEST);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
        .until(() -> "waiting_for_gateway_key".equals(workflow.state().step()));

    workflow.cancel(new io.durapay.contracts.CancelRequest("customer left", "merchant"));
    PaymentResult result = WorkflowStub.fromTyped(workflow).getResult(PaymentResult.class);

    assertThat(result.status()).isEqualTo(PaymentStatus.CANCELLED);
    assertThat(result.outcome()).isEqualTo("cancelled_refunded");
    assertThat(activities.refunds).hasValue(1);
  }

  private static List<Long> timersOf(TestWorkflowEnvironment env, PaymentWorkflow workflow) {
    return env.getWorkflowClient()
        .fetchHistory(WorkflowStub.fromTyped(workflow).getExecution().getWorkflowId()).getEvents().stream()
        .filter(HistoryEvent::hasTimerStartedEventAttributes)
        .map(e -> e.getTimerStartedEventAttributes().getStartToFireTimeout().getSeconds())
        .toList();
  }
}
