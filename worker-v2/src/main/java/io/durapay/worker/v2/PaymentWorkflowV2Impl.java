package io.durapay.worker.v2;

import io.durapay.contracts.CancelRequest;
import io.durapay.contracts.ChargeResult;
import io.durapay.contracts.EventType;
import io.durapay.contracts.FailureTypes;
import io.durapay.contracts.Patches;
import io.durapay.contracts.GatewayActivities;
import io.durapay.contracts.PaymentRecordActivities;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentResult;
import io.durapay.contracts.PaymentState;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.PaymentWorkflow;
import io.durapay.contracts.RiskActivities;
import io.durapay.contracts.RiskDecision;
import io.durapay.contracts.StatusChange;
import io.durapay.contracts.WebhookNotification;
import io.durapay.contracts.WebhookActivities;
import io.durapay.contracts.WebhookResult;
import io.durapay.worker.workflow.FailureDecoder;
import io.durapay.worker.workflow.PaymentActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;

/**
 * v2 of the payment workflow (the green build): v1's flow with three changes, each behind a
 * {@code Workflow.getVersion} patch whose DEFAULT_VERSION branch is exactly v1's code, so every
 * workflow v1 started replays here and carries on (proven by the replay tests):
 *
 * <ol>
 *   <li>{@link Patches#ADD_RISK_SCREENING}: the payment is screened before it is charged; a
 *       rejected one ends {@code failed} with code {@code risk_rejected} and the gateway is never
 *       called.
 *   <li>{@link Patches#SETTLE_BEFORE_REFUND_LOOKUP}: when a charge's outcome is unknown (the
 *       gateway never answered), the workflow waits {@link #SETTLE_WINDOW} before looking the
 *       charge up to refund it, because a gateway's search can lag a charge made moments ago: v1
 *       could find nothing, refund nothing, and leave the customer charged for a failed payment.
 *   <li>{@link Patches#WAIT_FOR_GATEWAY_KEY}: a charge whose three attempts the gateway all
 *       refused for our API key (401/403) is tried again after a durable wait, with backoff from
 *       {@link #FIRST_KEY_WAIT} to {@link #LONGEST_KEY_WAIT}, for up to {@link #KEY_WAIT_LIMIT}:
 *       an operator's mistake with the key must not fail the payments that arrive meanwhile.
 *       A cancel during the wait compensates as a failed charge would (an earlier attempt may
 *       have charged before the key broke).
 * </ol>
 *
 * <p>Long because it is v1's whole flow (validate, charge, cancel, fail and compensate, notify)
 * plus the three patched branches; it stays one class because Temporal keeps a workflow's state in
 * the fields of one instance, which every branch updates and the state query reads.
 */
public class PaymentWorkflowV2Impl implements PaymentWorkflow {
  private static final Logger LOG = Workflow.getLogger(PaymentWorkflowV2Impl.class);
  static final String BUILD = "v2";
  /** How long a gateway's search may take to show a fresh charge (Stripe: about a minute). */
  static final Duration SETTLE_WINDOW = Duration.ofMinutes(2);
  /** The first wait for a refused gateway key to be fixed; each next one doubles. */
  static final Duration FIRST_KEY_WAIT = Duration.ofMinutes(1);
  static final Duration LONGEST_KEY_WAIT = Duration.ofMinutes(30);
  /** How long a payment waits for the key in all before it fails (and is compensated). */
  static final Duration KEY_WAIT_LIMIT = Duration.ofHours(24);

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
  private boolean refunded;
  /** An attempt may have charged before the gateway refused the key (set only while waiting). */
  private boolean chargeOutcomeUnknown;

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
      // add-risk-screening: v2 screens before charging; DEFAULT_VERSION is v1's path.
      if (Workflow.getVersion(Patches.ADD_RISK_SCREENING, Workflow.DEFAULT_VERSION, 1) >= 1) {
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
      ChargeResult charge = charge(request);
      if (charge == null) {
        return cancel(request);
      }
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

  /**
   * The charge, waiting out a refused gateway key from {@link Patches#WAIT_FOR_GATEWAY_KEY} on;
   * null when the payment was cancelled during such a wait.
   */
  private ChargeResult charge(PaymentRequest request) {
    Duration waited = Duration.ZERO;
    Duration next = FIRST_KEY_WAIT;
    while (true) {
      try {
        return gateway.processPaymentWithGateway(request);
      } catch (ActivityFailure e) {
        // wait-for-gateway-key: asked only when the key was refused; DEFAULT_VERSION fails the
        // payment as v1 does.
        if (!FailureDecoder.hasType(e, FailureTypes.GATEWAY_KEY_REFUSED)
            || waited.compareTo(KEY_WAIT_LIMIT) >= 0
            || Workflow.getVersion(Patches.WAIT_FOR_GATEWAY_KEY, Workflow.DEFAULT_VERSION, 1) < 1) {
          throw e;
        }
        step = "waiting_for_gateway_key";
        lastError = FailureDecoder.message(e);
        chargeOutcomeUnknown = true;
        LOG.warn("payment {}: the gateway refused our API key; the charge is tried again in {}", paymentId, next);
        if (Workflow.await(next, () -> cancelRequested)) {
          return null;
        }
        waited = waited.plus(next);
        next = next.multipliedBy(2).compareTo(LONGEST_KEY_WAIT) > 0 ? LONGEST_KEY_WAIT : next.multipliedBy(2);
        step = "charging";
      }
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
    if ((charged || chargeOutcomeUnknown) && !refund(request)) {
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
                // settle-before-refund-lookup: v2 gives an unknown charge time to show up at the
                // gateway before looking it up; DEFAULT_VERSION is v1's immediate lookup.
                if (!charged
                    && Workflow.getVersion(
                            Patches.SETTLE_BEFORE_REFUND_LOOKUP, Workflow.DEFAULT_VERSION, 1)
                        >= 1) {
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
