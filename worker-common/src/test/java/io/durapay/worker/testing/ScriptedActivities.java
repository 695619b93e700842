package io.durapay.worker.testing;

import io.durapay.contracts.ChargeResult;
import io.durapay.contracts.EventType;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.RefundResult;
import io.durapay.contracts.RiskDecision;
import io.durapay.contracts.StatusChange;
import io.durapay.contracts.TransitionResult;
import io.durapay.contracts.WebhookNotification;
import io.durapay.contracts.WebhookResult;
import io.durapay.contracts.FailureTypes;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Activities for workflow tests, scripted per test: how many times the gateway fails first,
 * whether it declines, which steps block until the test releases them. It records every call, so
 * a test asserts what the workflow did (charges, refunds, status changes, webhooks).
 */
public final class ScriptedActivities implements AllPaymentActivities {
  public final List<StatusChange> statusChanges = Collections.synchronizedList(new ArrayList<>());
  public final List<EventType> webhooks = Collections.synchronizedList(new ArrayList<>());
  public final List<String> webhookEventIds = Collections.synchronizedList(new ArrayList<>());
  public final AtomicInteger chargeCalls = new AtomicInteger();
  public final AtomicInteger refunds = new AtomicInteger();

  private volatile int gatewayFailuresBeforeSuccess;
  private volatile int keyRefusalsBeforeSuccess;
  private volatile String declineCode;
  private volatile PaymentStatus failTransitionTo;
  private volatile boolean webhookAlwaysFails;
  private volatile boolean refundRejected;
  private volatile boolean nothingToRefund;
  private volatile boolean alreadyHandled;
  private final AtomicInteger transientTransitionFailures = new AtomicInteger();
  private volatile PaymentStatus transientFailureFor;
  private volatile RiskDecision riskDecision = RiskDecision.approve();
  public final AtomicInteger screenings = new AtomicInteger();
  private volatile Gate validateGate;
  private volatile Gate chargeGate;
  private volatile Gate webhookGate;

  /** A step that signals when it starts and waits for the test to release it. */
  public static final class Gate {
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    public void awaitStarted() throws InterruptedException {
      if (!started.await(20, TimeUnit.SECONDS)) {
        throw new AssertionError("the step never started");
      }
    }

    public void release() {
      released.countDown();
    }

    void pass() {
      started.countDown();
      try {
        if (!released.await(20, TimeUnit.SECONDS)) {
          throw new AssertionError("the test never released the step");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  public ScriptedActivities gatewayFailsFirst(int times) {
    this.gatewayFailuresBeforeSuccess = times;
    return this;
  }

  /** The gateway refuses our API key (401) for the first {@code calls} charge calls, any attempt. */
  public ScriptedActivities gatewayRefusesKeyFirst(int calls) {
    this.keyRefusalsBeforeSuccess = calls;
    return this;
  }

  public ScriptedActivities gatewayDeclines(String code) {
    this.declineCode = code;
    return this;
  }

  public ScriptedActivities transitionFailsFor(PaymentStatus to) {
    this.failTransitionTo = to;
    return this;
  }

  public ScriptedActivities riskRejects(String rule, String reason) {
    this.riskDecision = RiskDecision.reject(rule, reason);
    return this;
  }

  /** The gateway refuses the refund for good (a disputed charge, say). */
  public ScriptedActivities refundRejected() {
    this.refundRejected = true;
    return this;
  }

  /** The gateway holds no charge for the payment (the charge never happened). */
  public ScriptedActivities nothingToRefund() {
    this.nothingToRefund = true;
    return this;
  }

  /** The payment was already carried by another workflow. */
  public ScriptedActivities alreadyHandled() {
    this.alreadyHandled = true;
    return this;
  }

  /** The database is unreachable for the first {@code times} attempts of one transition. */
  public ScriptedActivities databaseDownFor(PaymentStatus to, int times) {
    this.transientFailureFor = to;
    this.transientTransitionFailures.set(times);
    return this;
  }

  public ScriptedActivities webhookAlwaysFails() {
    this.webhookAlwaysFails = true;
    return this;
  }

  public Gate holdValidation() {
    validateGate = new Gate();
    return validateGate;
  }

  public Gate holdCharge() {
    chargeGate = new Gate();
    return chargeGate;
  }

  public Gate holdWebhook() {
    webhookGate = new Gate();
    return webhookGate;
  }

  public List<PaymentStatus> statuses() {
    synchronized (statusChanges) {
      return statusChanges.stream().map(StatusChange::to).toList();
    }
  }

  @Override
  public void validatePayment(PaymentRequest request) {
    if (validateGate != null) {
      validateGate.pass();
    }
    if (alreadyHandled) {
      throw ApplicationFailure.newNonRetryableFailure(
          "payment is already completed", FailureTypes.PAYMENT_NOT_INITIATED, "completed");
    }
  }

  @Override
  public RiskDecision screenPayment(PaymentRequest request) {
    screenings.incrementAndGet();
    return riskDecision;
  }

  @Override
  public TransitionResult updatePaymentStatus(StatusChange change) {
    if (change.to() == transientFailureFor && transientTransitionFailures.getAndDecrement() > 0) {
      throw ApplicationFailure.newFailure("connection refused", "DatabaseUnavailable");
    }
    if (change.to() == failTransitionTo) {
      throw ApplicationFailure.newNonRetryableFailure(
          "the database refused the change", FailureTypes.PAYMENT_INVALID, "store_error");
    }
    statusChanges.add(change);
    return new TransitionResult(true, change.to());
  }

  @Override
  public ChargeResult processPaymentWithGateway(PaymentRequest request) {
    int call = chargeCalls.incrementAndGet();
    if (chargeGate != null) {
      chargeGate.pass();
    }
    int attempt = Activity.getExecutionContext().getInfo().getAttempt();
    if (declineCode != null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "Your card has insufficient funds.", FailureTypes.PAYMENT_DECLINED, declineCode);
    }
    if (call <= keyRefusalsBeforeSuccess) {
      throw ApplicationFailure.newFailure(
          "POST /v1/payment_intents: HTTP 401 (authentication_error): Invalid API Key provided.",
          FailureTypes.GATEWAY_KEY_REFUSED, "authentication_refused");
    }
    if (attempt <= gatewayFailuresBeforeSuccess) {
      throw ApplicationFailure.newFailure(
          "gateway answered 503 (attempt " + attempt + ")", FailureTypes.GATEWAY_UNAVAILABLE);
    }
    return new ChargeResult("pi_" + request.paymentId(), request.amount(), request.currency(), attempt);
  }

  @Override
  public RefundResult compensatePayment(PaymentRequest request) {
    if (refundRejected) {
      throw ApplicationFailure.newNonRetryableFailure(
          "POST /v1/refunds: HTTP 400 (charge_disputed)", FailureTypes.GATEWAY_REJECTED, "charge_disputed");
    }
    refunds.incrementAndGet();
    return nothingToRefund ? new RefundResult(null, false) : new RefundResult("re_" + request.paymentId(), true);
  }

  @Override
  public WebhookResult sendWebhookNotification(WebhookNotification notification) {
    if (webhookGate != null) {
      webhookGate.pass();
    }
    webhookEventIds.add(notification.eventId());
    if (webhookAlwaysFails) {
      throw ApplicationFailure.newFailure("merchant answered 500", FailureTypes.WEBHOOK_NOT_DELIVERED);
    }
    webhooks.add(notification.type());
    return new WebhookResult(true, Activity.getExecutionContext().getInfo().getAttempt(), 200, "delivered");
  }
}
