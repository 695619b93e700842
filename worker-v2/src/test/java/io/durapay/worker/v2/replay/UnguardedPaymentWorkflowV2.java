package io.durapay.worker.v2.replay;

import io.durapay.contracts.CancelRequest;
import io.durapay.contracts.ChargeResult;
import io.durapay.contracts.EventType;
import io.durapay.contracts.GatewayActivities;
import io.durapay.contracts.PaymentRecordActivities;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentResult;
import io.durapay.contracts.PaymentState;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.PaymentWorkflow;
import io.durapay.contracts.Patches;
import io.durapay.contracts.RiskActivities;
import io.durapay.contracts.RiskDecision;
import io.durapay.contracts.StatusChange;
import io.durapay.contracts.WebhookNotification;
import io.durapay.contracts.WebhookActivities;
import io.durapay.contracts.WebhookResult;
import io.durapay.contracts.FailureTypes;
import io.durapay.worker.workflow.FailureDecoder;
import io.durapay.worker.workflow.PaymentActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;

/**
 * A negative control for the replay tests, never deployed: {@code PaymentWorkflowV2Impl} with its
 * two {@code Workflow.getVersion} guards taken out, so the new steps (risk screening before the
 * charge, the settle timer before the refund lookup of an unknown charge) always run — the mistake
 * of shipping a change without a patch. Replaying a v1 history that reached either point must fail
 * with a non-determinism error; one that did not must still pass.
 *
 * <p>The guards are the two hooks {@link #screensForRisk()} and {@link #settlesUnknownCharge()};
 * {@link SettleUnguarded} puts the risk guard back, so the settle point is proven on its own.
 */
public class UnguardedPaymentWorkflowV2 implements PaymentWorkflow {
  private static final Logger LOG = Workflow.getLogger(UnguardedPaymentWorkflowV2.class);
  static final String BUILD = "v2-unguarded";
  static final Duration SETTLE_WINDOW = Duration.ofMinutes(2);

  /** Only the settle guard missing: v1 histories fail only where a charge's outcome was unknown. */
  public static class SettleUnguarded extends UnguardedPaymentWorkflowV2 {
    @Override
    protected boolean screensForRisk() {
      return Workflow.getVersion(Patches.ADD_RISK_SCREENING, Workflow.DEFAULT_VERSION, 1) >= 1;
    }
  }

  /** Unguarded: every workflow is screened, even one v1 started and already past this point. */
  protected boolean screensForRisk() {
    return true;
  }

  /** Unguarded: every unknown charge waits the settle window, whatever v1 recorded. */
  protected boolean settlesUnknownCharge() {
    return true;
  }

  private final PaymentRecordActivities records =
      Workflow.newActivityStub(PaymentRecordActivities.class, PaymentActivityOptions.RECORD);
  private final RiskActivities risk =
      Workflow.newActivityStub(RiskActivities.class, PaymentActivityOptions.RECORD);
  private final GatewayActivities gateway =
      Workflow.newActivityStub(
          GatewayActivities.class, PaymentActivityOptions.CHARGE, PaymentActivityOptions.GATEWAY_METHODS);
  private final WebhookActivities webhooks =
      Workflow.newActivityStub(WebhookActivities.class, PaymentActivityOptions.WEBHOOK);

  private String paymentId;
  private PaymentStatus status = PaymentStatus.INITIATED;
  private String step = "starting";
  private boolean cancelRequested;
  private String cancelReason;
  private boolean charged;
  private String gatewayReference;
  private String failureCode;
  private String lastError;
  private final Map<String, Integer> attempts = new LinkedHashMap<>();

  @Override
  public PaymentResult process(PaymentRequest request) {
    paymentId = request.paymentId();
    try {
      step = "validating";
      try {
        records.validatePayment(request);
      } catch (ActivityFailure e) {
        if (FailureDecoder.hasType(e, FailureTypes.PAYMENT_NOT_INITIATED)) {
          // Another workflow already carried this payment (a duplicate start after the first
          // closed): change nothing and tell nobody.
          step = "done";
          return new PaymentResult(paymentId, null, null, null, FailureDecoder.message(e), "already_handled");
        }
        throw e;
      }
      if (cancelRequested) {
        return cancel(request);
      }
      step = "processing";
      moveTo(request, PaymentStatus.PROCESSING, "workflow started processing", null, null);
      if (cancelRequested) {
        return cancel(request);
      }
      if (screensForRisk()) {
        step = "screening";
        RiskDecision decision = risk.screenPayment(request);
        if (!decision.approved()) {
          return rejectForRisk(request, decision);
        }
        if (cancelRequested) {
          return cancel(request);
        }
      }
      step = "charging";
      ChargeResult charge = gateway.processPaymentWithGateway(request);
      charged = true;
      gatewayReference = charge.gatewayReference();
      attempts.put("charging", charge.attempts());
      if (cancelRequested) {
        return cancel(request);
      }
      step = "completing";
      moveTo(request, PaymentStatus.COMPLETED, "charged at the gateway", null, null);
      notifyMerchant(request, EventType.PAYMENT_COMPLETED);
      step = "done";
      return new PaymentResult(paymentId, status, gatewayReference, null, null, "completed");
    } catch (ActivityFailure e) {
      return fail(request, e);
    }
  }

  @Override
  public void cancel(CancelRequest request) {
    if (!status.isFinal()) {
      cancelRequested = true;
      cancelReason = request == null || request.reason() == null ? "cancelled" : request.reason();
    }
  }

  @Override
  public PaymentState state() {
    return new PaymentState(
        paymentId, status, step, cancelRequested, charged, gatewayReference, failureCode,
        lastError, Map.copyOf(attempts), BUILD);
  }

  /** A payment the risk rules refused: failed before any charge, so nothing to refund. */
  private PaymentResult rejectForRisk(PaymentRequest request, RiskDecision decision) {
    failureCode = "risk_rejected";
    lastError = decision.reason();
    moveTo(request, PaymentStatus.FAILED, "rejected by risk rule " + decision.rule(),
        failureCode, decision.reason());
    notifyMerchant(request, EventType.PAYMENT_FAILED);
    step = "done";
    return new PaymentResult(
        paymentId, PaymentStatus.FAILED, null, failureCode, decision.reason(), "risk_rejected");
  }

  private PaymentResult cancel(PaymentRequest request) {
    step = "cancelling";
    if (charged && !refund(request)) {
      return refundFailed(request);
    }
    moveTo(request, PaymentStatus.CANCELLED, "cancel requested: " + cancelReason, null, null);
    notifyMerchant(request, EventType.PAYMENT_CANCELLED);
    step = "done";
    return new PaymentResult(
        paymentId, status, gatewayReference, null, null,
        charged ? "cancelled_refunded" : "cancelled");
  }

  /** Compensates outside any cancellation, so a failure is always recorded and refunded. */
  private PaymentResult fail(PaymentRequest request, ActivityFailure failure) {
    failureCode = FailureDecoder.code(failure);
    String message = FailureDecoder.message(failure);
    lastError = message;
    LOG.warn("payment {} failed at step {}: {}", paymentId, step, failureCode);
    // A charge that failed for any reason but a decline may still have gone through (a timeout
    // after the gateway charged): the compensation looks the charge up and refunds it if found.
    boolean mayBeCharged = charged || ("charging".equals(step) && !FailureDecoder.isDecline(failure));
    String failedAt = step;
    Workflow.newDetachedCancellationScope(
            () -> {
              step = "compensating";
              if (mayBeCharged) {
                if (!charged && settlesUnknownCharge()) {
                  step = "settling";
                  Workflow.sleep(SETTLE_WINDOW);
                  step = "compensating";
                }
                if (!refund(request)) {
                  refundFailed(request);
                  return;
                }
              }
              moveTo(request, PaymentStatus.FAILED, "failed while " + failedAt, failureCode, message);
              notifyMerchant(request, EventType.PAYMENT_FAILED);
              step = "done";
            })
        .run();
    if ("refund_failed".equals(failureCode)) {
      return new PaymentResult(
          paymentId, PaymentStatus.FAILED, gatewayReference, failureCode, lastError, "refund_failed");
    }
    String outcome = FailureDecoder.isDecline(failure) ? "declined" : mayBeCharged ? "failed_refunded" : "failed";
    return new PaymentResult(
        paymentId, PaymentStatus.FAILED, gatewayReference, failureCode, message, outcome);
  }

  /** Refunds whatever the gateway holds for the payment; false when the refund finally failed. */
  private boolean refund(PaymentRequest request) {
    try {
      gateway.compensatePayment(request);
      return true;
    } catch (ActivityFailure e) {
      lastError = "refund failed: " + FailureDecoder.message(e);
      LOG.error("payment {}: {}", paymentId, lastError);
      return false;
    }
  }

  /**
   * The money may still be held and the refund could not be made: the payment ends failed with
   * code {@code refund_failed}, which operators must act on, and the merchant is told.
   */
  private PaymentResult refundFailed(PaymentRequest request) {
    failureCode = "refund_failed";
    moveTo(request, PaymentStatus.FAILED, "refund failed; needs attention", failureCode, lastError);
    notifyMerchant(request, EventType.PAYMENT_FAILED);
    step = "done";
    return new PaymentResult(
        paymentId, PaymentStatus.FAILED, gatewayReference, failureCode, lastError, "refund_failed");
  }

  private void moveTo(
      PaymentRequest request, PaymentStatus to, String cause, String code, String message) {
    records.updatePaymentStatus(
        new StatusChange(
            request.paymentId(), to, cause, code, message, gatewayReference,
            Workflow.getInfo().getRunId()));
    status = to;
  }

  /** A webhook that cannot be delivered never fails the payment. */
  private void notifyMerchant(PaymentRequest request, EventType type) {
    String eventId = "evt_" + Workflow.randomUUID().toString().replace("-", "");
    try {
      step = "notifying";
      WebhookResult result =
          webhooks.sendWebhookNotification(
              new WebhookNotification(request.paymentId(), eventId, type, request.correlationId()));
      attempts.put("notifying", result.attempts());
    } catch (ActivityFailure e) {
      lastError = FailureDecoder.message(e);
      LOG.warn("webhook {} for payment {} not delivered: {}", type.wireName(), paymentId, e.getMessage());
    }
  }
}
