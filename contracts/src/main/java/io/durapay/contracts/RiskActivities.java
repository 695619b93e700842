package io.durapay.contracts;

import io.temporal.activity.ActivityInterface;

/** Risk screening, before a payment is charged (v2, behind {@link Patches#ADD_RISK_SCREENING}). */
@ActivityInterface
public interface RiskActivities {

  /** Screens the stored payment against the risk rules. Read-only, so safe to retry. */
  RiskDecision screenPayment(PaymentRequest request);
}
