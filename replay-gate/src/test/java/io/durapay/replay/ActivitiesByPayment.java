package io.durapay.replay;

import io.durapay.contracts.ChargeResult;
import io.durapay.worker.testing.AllPaymentActivities;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.RefundResult;
import io.durapay.contracts.RiskDecision;
import io.durapay.contracts.StatusChange;
import io.durapay.contracts.TransitionResult;
import io.durapay.contracts.WebhookNotification;
import io.durapay.contracts.WebhookResult;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One worker, many scripts: each payment's activities go to the scripted activities registered
 * for it, so workflows on one task queue take different paths (a decline, a held charge) at once.
 */
final class ActivitiesByPayment implements AllPaymentActivities {
  private final Map<String, AllPaymentActivities> scripts = new ConcurrentHashMap<>();

  <T extends AllPaymentActivities> T script(String paymentId, T activities) {
    scripts.put(paymentId, activities);
    return activities;
  }

  private AllPaymentActivities of(String paymentId) {
    AllPaymentActivities activities = scripts.get(paymentId);
    if (activities == null) {
      throw new IllegalStateException("no script for payment " + paymentId);
    }
    return activities;
  }

  @Override
  public void validatePayment(PaymentRequest request) {
    of(request.paymentId()).validatePayment(request);
  }

  @Override
  public RiskDecision screenPayment(PaymentRequest request) {
    return of(request.paymentId()).screenPayment(request);
  }

  @Override
  public TransitionResult updatePaymentStatus(StatusChange change) {
    return of(change.paymentId()).updatePaymentStatus(change);
  }

  @Override
  public ChargeResult processPaymentWithGateway(PaymentRequest request) {
    return of(request.paymentId()).processPaymentWithGateway(request);
  }

  @Override
  public RefundResult compensatePayment(PaymentRequest request) {
    return of(request.paymentId()).compensatePayment(request);
  }

  @Override
  public WebhookResult sendWebhookNotification(WebhookNotification notification) {
    return of(notification.paymentId()).sendWebhookNotification(notification);
  }
}
