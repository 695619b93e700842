package io.durapay.worker.v1;

import io.durapay.contracts.CancelRequest;
import io.durapay.contracts.ChargeResult;
import io.durapay.contracts.EventType;
import io.durapay.contracts.FailureTypes;
import io.durapay.contracts.GatewayActivities;
import io.durapay.contracts.PaymentRecordActivities;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentResult;
import io.durapay.contracts.PaymentState;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.PaymentWorkflow;
import io.durapay.contracts.StatusChange;
import io.durapay.contracts.WebhookNotification;
import io.durapay.contracts.WebhookActivities;
import io.durapay.contracts.WebhookResult;
import io.durapay.worker.workflow.FailureDecoder;
import io.durapay.worker.workflow.PaymentActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;

/**
 * v1 of the payment workflow (the blue build; frozen once v2 exists): validate, mark processing,
 * charge, mark completed, notify. On a failure it refunds whatever may have been charged, marks
 * the payment failed and notifies. A cancel signal is honoured between steps: before the charge
 * nothing is charged; after it the charge is refunded.
 */
public class PaymentWorkflowV1Impl implements PaymentWorkflow {
  private static final Logger LOG = Workflow.getLogger(PaymentWorkflowV1Impl.class);
  static final String BUILD = "v1";

  private final PaymentRecordActivities records =
      Workflow.newActivityStub(PaymentRecordActivities.class, PaymentActivityOptions.RECORD);
  private final GatewayActivities gateway =
      Workflow.newActivityStub(
          GatewayActivities.class, PaymentActivityOptions.V1_CHARGE, PaymentActivityOptions.GATEWAY_METHODS);
  private final WebhookActivities webhooks =
      Workflow.newActivityStub(WebhookActivities.class, PaymentActivityOptions.V1_WEBHOOK);

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
  private boolean refunded;

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
        refunded ? "cancelled_refunded" : "cancelled");
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
    String outcome = FailureDecoder.isDecline(failure) ? "declined" : refunded ? "failed_refunded" : "failed";
    return new PaymentResult(
        paymentId, PaymentStatus.FAILED, gatewayReference, failureCode, message, outcome);
  }

  /**
   * Refunds whatever the gateway holds for the payment ({@code refunded} says whether there was
   * anything); false when the refund finally failed.
   */
  private boolean refund(PaymentRequest request) {
    try {
      refunded = gateway.compensatePayment(request).refunded();
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
