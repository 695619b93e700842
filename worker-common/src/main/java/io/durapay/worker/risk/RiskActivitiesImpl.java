package io.durapay.worker.risk;

import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.RiskActivities;
import io.durapay.contracts.RiskDecision;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import io.durapay.worker.activities.ActivityFailures;
import org.jdbi.v3.core.Jdbi;

/** Screens a payment against the {@link RiskRules} before it is charged. */
public final class RiskActivitiesImpl implements RiskActivities {
  private final PaymentDao payments;
  private final RiskRules risk;

  public RiskActivitiesImpl(Jdbi jdbi, RiskRules risk) {
    this.payments = jdbi.onDemand(PaymentDao.class);
    this.risk = risk;
  }

  /** Idempotent: it only reads. The amount and token screened are the stored ones. */
  @Override
  public RiskDecision screenPayment(PaymentRequest request) {
    Payment payment =
        payments
            .findById(request.paymentId())
            .orElseThrow(() -> ActivityFailures.paymentNotFound(request.paymentId()));
    return risk.screen(payment);
  }
}
