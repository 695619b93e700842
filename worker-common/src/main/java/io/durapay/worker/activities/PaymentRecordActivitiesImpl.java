package io.durapay.worker.activities;

import io.durapay.contracts.FailureTypes;
import io.durapay.contracts.PaymentRecordActivities;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.StatusChange;
import io.durapay.contracts.TransitionResult;
import io.durapay.store.Merchant;
import io.durapay.store.MerchantDao;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The payment's record: validated before anything is done, moved forward as the workflow goes. */
public final class PaymentRecordActivitiesImpl implements PaymentRecordActivities {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentRecordActivitiesImpl.class);

  private final PaymentDao payments;
  private final MerchantDao merchants;
  private final String build;
  private final AtomicLong inputMismatches = new AtomicLong();

  /**
   * @param build the worker build running these activities ({@code v1}, {@code v2}); recorded on
   *     every payment it moves, so the database says which build ran which payment
   */
  public PaymentRecordActivitiesImpl(Jdbi jdbi, String build) {
    this.payments = jdbi.onDemand(PaymentDao.class);
    this.merchants = jdbi.onDemand(MerchantDao.class);
    this.build = build;
  }

  /** Idempotent: it only reads. A final payment fails it with {@code PaymentNotInitiated}. */
  @Override
  public void validatePayment(PaymentRequest request) {
    Payment payment =
        payments
            .findById(request.paymentId())
            .orElseThrow(() -> ActivityFailures.paymentNotFound(request.paymentId()));
    // A payment still processing has lost its workflow (terminated, or its history expired): a new
    // one may carry it on safely, because every charge and refund of it is idempotent at the
    // gateway. Only a final payment is left alone.
    if (payment.status().isFinal()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "payment " + payment.id() + " is already " + payment.status().wireName(),
          FailureTypes.PAYMENT_NOT_INITIATED,
          payment.status().wireName());
    }
    if (payment.status() == PaymentStatus.PROCESSING) {
      LOG.warn("payment {} is already processing: a new workflow carries it on", payment.id());
    }
    if (payment.amount() != request.amount()
        || !payment.currency().equals(request.currency())
        || !payment.merchantId().equals(request.merchantId())) {
      // The stored payment is the truth, and every activity reads its amount, currency, merchant
      // and payment method from the store: a workflow started from a wrong event (a bug, a forged
      // message) still processes the real payment with its real values, and must not fail it.
      // Its workflow id is the payment's, so the real event cannot start a second one. An alert.
      inputMismatches.incrementAndGet();
      LOG.error("payment {}: the workflow input (amount {} {}, merchant {}) does not match the stored payment"
              + " (amount {} {}, merchant {}); processed with the stored values",
          payment.id(), request.amount(), request.currency(), request.merchantId(),
          payment.amount(), payment.currency(), payment.merchantId());
    }
    Merchant merchant =
        merchants
            .findById(payment.merchantId())
            .orElseThrow(() -> ActivityFailures.invalid("merchant_not_found", "no merchant " + payment.merchantId()));
    if (merchant.maxAmount() != null && payment.amount() > merchant.maxAmount()) {
      throw ActivityFailures.invalid(
          "amount_exceeds_merchant_limit",
          "amount " + payment.amount() + " is over the merchant's limit of " + merchant.maxAmount());
    }
  }

  /** Workflows whose input did not match their stored payment (metric {@code durapay_workflow_input_mismatches}). */
  public long inputMismatches() {
    return inputMismatches.get();
  }

  /**
   * Idempotent: the store applies a transition only from an allowed predecessor, so a repeat
   * changes nothing and reports the current status. The route and build that applied it are
   * recorded with it.
   */
  @Override
  public TransitionResult updatePaymentStatus(StatusChange change) {
    TransitionResult result =
        payments
            .transition(change)
            .orElseThrow(() -> ActivityFailures.paymentNotFound(change.paymentId()));
    if (result.applied()) {
      payments.recordWorker(
          change.paymentId(), Activity.getExecutionContext().getInfo().getActivityTaskQueue(), build);
    }
    if (!result.applied()) {
      LOG.info(
          "payment {}: {} not applied, status is {}",
          change.paymentId(),
          change.to().wireName(),
          result.status().wireName());
    }
    return result;
  }
}
