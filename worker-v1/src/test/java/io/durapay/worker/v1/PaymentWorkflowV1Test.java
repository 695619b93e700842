package io.durapay.worker.v1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.durapay.contracts.CancelRequest;
import io.durapay.contracts.EventType;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentResult;
import io.durapay.contracts.PaymentState;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.PaymentWorkflow;
import io.durapay.worker.testing.ScriptedActivities;
import io.durapay.worker.testing.ScriptedActivities.Gate;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** v1's semantics, with scripted activities on the time-skipping test environment. */
class PaymentWorkflowV1Test {

  @RegisterExtension
  static final TestWorkflowExtension TEMPORAL =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(PaymentWorkflowV1Impl.class)
          .setDoNotStart(true)
          .build();

  private static final PaymentRequest REQUEST =
      new PaymentRequest("pay_test", "mer_test", 2500, "EUR", "corr-1");

  private final ScriptedActivities activities = new ScriptedActivities();

  private void start(TestWorkflowEnvironment env, Worker worker) {
    worker.registerActivitiesImplementations(activities);
    env.start();
  }

  @Test
  void aSuccessfulChargeCompletesAndNotifies(
      TestWorkflowEnvironment env, Worker worker, PaymentWorkflow workflow) {
    start(env, worker);

    PaymentResult result = workflow.process(REQUEST);

    assertThat(result.status()).isEqualTo(PaymentStatus.COMPLETED);
    assertThat(result.outcome()).isEqualTo("completed");
    assertThat(result.gatewayReference()).isEqualTo("pi_pay_test");
    assertThat(activities.statuses()).containsExactly(PaymentStatus.PROCESSING, PaymentStatus.COMPLETED);
    assertThat(activities.statusChanges.get(1).gatewayReference()).isEqualTo("pi_pay_test");
    assertThat(activities.webhooks).containsExactly(EventType.PAYMENT_COMPLETED);
    assertThat(activities.refunds).hasValue(0);
    assertThat(workflow.state().build()).isEqualTo("v1");
  }

  @Test
  void aDeclineFailsWithTheDeclineCodeAndNoRefund(
      TestWorkflowEnvironment env, Worker worker, PaymentWorkflow workflow) {
    activities.gatewayDeclines("insufficient_funds");
    start(env, worker);

    PaymentResult result = workflow.process(REQUEST);

    assertThat(result.status()).isEqualTo(PaymentStatus.FAILED);
    assertThat(result.outcome()).isEqualTo("declined");
    assertThat(result.failureCode()).isEqualTo("insufficient_funds");
    assertThat(activities.chargeCalls).hasValue(1);
    assertThat(activities.refunds).hasValue(0);
    assertThat(activities.statuses()).containsExactly(PaymentStatus.PROCESSING, PaymentStatus.FAILED);
    assertThat(activities.statusChanges.get(1).failureCode()).isEqualTo("insufficient_funds");
    assertThat(activities.webhooks).containsExactly(EventType.PAYMENT_FAILED);
  }

  @Test
  void aGatewayThatFailsTwiceThenSucceedsCompletesOnTheThirdAttempt(
      TestWorkflowEnvironment env, Worker worker, PaymentWorkflow workflow) {
    activities.gatewayFailsFirst(2);
    start(env, worker);

    PaymentResult result = workflow.process(REQUEST);

    assertThat(result.status()).isEqualTo(PaymentStatus.COMPLETED);
    assertThat(activities.chargeCalls).hasValue(3);
    PaymentState state = workflow.state();
    assertThat(state.attempts()).containsEntry("charging", 3);
    assertThat(state.charged()).isTrue();
    assertThat(state.gatewayReference()).isEqualTo("pi_pay_test");
  }

  @Test
  void aGatewayThatNeverAnswersFailsAndSettlesAnyChargeByRefund(
      TestWorkflowEnvironment env, Worker worker, PaymentWorkflow workflow) {
    activities.gatewayFailsFirst(3);
    start(env, worker);

    PaymentResult result = workflow.process(REQUEST);

    assertThat(result.status()).isEqualTo(PaymentStatus.FAILED);
    assertThat(result.failureCode()).isEqualTo("gateway_unavailable");
    assertThat(activities.chargeCalls).hasValue(3);
    // The last attempt may have charged before timing out: compensation looks and refunds.
    assertThat(activities.refunds).hasValue(1);
    assertThat(workflow.state().lastError()).contains("503");
  }

  @Test
  void aStepFailingAfterTheChargeRefundsAndFails(
      TestWorkflowEnvironment env, Worker worker, PaymentWorkflow workflow) {
    activities.transitionFailsFor(PaymentStatus.COMPLETED);
    start(env, worker);

    PaymentResult result = workflow.process(REQUEST);

    assertThat(result.status()).isEqualTo(PaymentStatus.FAILED);
    assertThat(result.outcome()).isEqualTo("failed_refunded");
    assertThat(activities.chargeCalls).hasValue(1);
    assertThat(activities.refunds).hasValue(1);
    assertThat(activities.statuses()).containsExactly(PaymentStatus.PROCESSING, PaymentStatus.FAILED);
    assertThat(activities.webhooks).containsExactly(EventType.PAYMENT_FAILED);
  }

  @Test
  void cancelBeforeTheChargeNeverCallsTheGateway(
      TestWorkflowEnvironment env, Worker worker, PaymentWorkflow workflow) throws Exception {
    Gate validation = activities.holdValidation();
    start(env, worker);

    WorkflowClient.start(workflow::process, REQUEST);
    validation.awaitStarted();
    workflow.cancel(new CancelRequest("customer changed their mind", "merchant"));
    validation.release();
    PaymentResult result = WorkflowStub.fromTyped(workflow).getResult(PaymentResult.class);

    assertThat(result.status()).isEqualTo(PaymentStatus.CANCELLED);
    assertThat(result.outcome()).isEqualTo("cancelled");
    assertThat(activities.chargeCalls).hasValue(0);
    assertThat(activities.refunds).hasValue(0);
    assertThat(activities.statuses()).containsExactly(PaymentStatus.CANCELLED);
    assertThat(activities.statusChanges.get(0).cause()).contains("customer changed their mind");
    assertThat(activities.webhooks).containsExactly(EventType.PAYMENT_CANCELLED);
  }

  @Test
  void cancelWhileTheChargeIsInFlightRefundsAndCancels(
      TestWorkflowEnvironment env, Worker worker, PaymentWorkflow workflow) throws Exception {
    Gate charge = activities.holdCharge();
    start(env, worker);

    WorkflowClient.start(workflow::process, REQUEST);
    charge.awaitStarted();
    workflow.cancel(new CancelRequest("fraud suspected", "merchant"));
    assertThat(workflow.state().cancelRequested()).isTrue();
    charge.release();
    PaymentResult result = WorkflowStub.fromTyped(workflow).getResult(PaymentResult.class);

    assertThat(result.status()).isEqualTo(PaymentStatus.CANCELLED);
    assertThat(result.outcome()).isEqualTo("cancelled_refunded");
    assertThat(activities.chargeCalls).hasValue(1);
    assertThat(activities.refunds).hasValue(1);
    assertThat(activities.statuses()).containsExactly(PaymentStatus.PROCESSING, PaymentStatus.CANCELLED);
  }

  @Test
  void cancelAfterTheFinalStatusChangesNothing(
      TestWorkflowEnvironment env, Worker worker, PaymentWorkflow workflow) throws Exception {
    Gate webhook = activities.holdWebhook();
    start(env, worker);

    WorkflowClient.start(workflow::process, REQUEST);
    webhook.awaitStarted();
    // Completed and notifying: the payment is final, so the signal is ignored.
    workflow.cancel(new CancelRequest("too late", "merchant"));
    webhook.release();
    PaymentResult result = WorkflowStub.fromTyped(workflow).getResult(PaymentResult.class);

    assertThat(result.status()).isEqualTo(PaymentStatus.COMPLETED);
    assertThat(activities.refunds).hasValue(0);
    assertThat(workflow.state().cancelRequested()).isFalse();
    // And once the workflow has closed, a signal is refused outright.
    assertThatThrownBy(() -> workflow.cancel(new CancelRequest("later still", "merchant")))
        .isInstanceOf(io.temporal.client.WorkflowNotFoundException.class);
  }

  @Test
  void aWebhookThatNeverArrivesLeavesThePaymentCompleted(
      TestWorkflowEnvironment env, Worker worker, PaymentWorkflow workflow) {
    activities.webhookAlwaysFails();
    start(env, worker);

    PaymentResult result = workflow.process(REQUEST);

    assertThat(result.status()).isEqualTo(PaymentStatus.COMPLETED);
    assertThat(activities.statuses()).containsExactly(PaymentStatus.PROCESSING, PaymentStatus.COMPLETED);
    // Every retry carried the same event id, so the merchant can deduplicate.
    List<String> ids = activities.webhookEventIds;
    assertThat(ids).hasSize(8);
    assertThat(ids).containsOnly(ids.get(0));
  }

  @Test
  void aRefundTheGatewayRefusesEndsFailedWithRefundFailedNotStuckInProcessing(
      TestWorkflowEnvironment env, Worker worker, PaymentWorkflow workflow) {
    activities.transitionFailsFor(PaymentStatus.COMPLETED).refundRejected();
    start(env, worker);

    PaymentResult result = workflow.process(REQUEST);

    assertThat(result.status()).isEqualTo(PaymentStatus.FAILED);
    assertThat(result.failureCode()).isEqualTo("refund_failed");
    assertThat(result.outcome()).isEqualTo("refund_failed");
    assertThat(activities.statuses()).containsExactly(PaymentStatus.PROCESSING, PaymentStatus.FAILED);
    assertThat(activities.statusChanges.get(1).failureCode()).isEqualTo("refund_failed");
    assertThat(activities.webhooks).containsExactly(EventType.PAYMENT_FAILED);
  }

  @Test
  void aDatabaseOutageAfterTheChargeIsWaitedOutNotRefunded(
      TestWorkflowEnvironment env, Worker worker, PaymentWorkflow workflow) {
    // Ten failed attempts (about five minutes of backoff) and the charge is still honoured.
    activities.databaseDownFor(PaymentStatus.COMPLETED, 10);
    start(env, worker);

    PaymentResult result = workflow.process(REQUEST);

    assertThat(result.status()).isEqualTo(PaymentStatus.COMPLETED);
    assertThat(activities.refunds).hasValue(0);
    assertThat(activities.statuses()).containsExactly(PaymentStatus.PROCESSING, PaymentStatus.COMPLETED);
  }

  @Test
  void aSecondWorkflowForAPaymentAlreadyCarriedChangesNothing(
      TestWorkflowEnvironment env, Worker worker, PaymentWorkflow workflow) {
    activities.alreadyHandled();
    start(env, worker);

    PaymentResult result = workflow.process(REQUEST);

    assertThat(result.outcome()).isEqualTo("already_handled");
    assertThat(activities.statusChanges).isEmpty();
    assertThat(activities.chargeCalls).hasValue(0);
    assertThat(activities.webhooks).isEmpty();
  }

  @Test
  void aFailureWhoseChargeNeverHappenedSaysNothingWasRefunded(
      TestWorkflowEnvironment env, Worker worker, PaymentWorkflow workflow) {
    activities.gatewayFailsFirst(3).nothingToRefund();
    start(env, worker);

    PaymentResult result = workflow.process(REQUEST);

    assertThat(result.status()).isEqualTo(PaymentStatus.FAILED);
    assertThat(activities.refunds).hasValue(1);
    assertThat(result.outcome()).isEqualTo("failed");
  }
}
