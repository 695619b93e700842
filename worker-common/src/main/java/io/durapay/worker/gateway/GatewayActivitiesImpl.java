package io.durapay.worker.gateway;

import io.durapay.contracts.ChargeResult;
import io.durapay.contracts.FailureTypes;
import io.durapay.contracts.GatewayActivities;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.RefundResult;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import io.durapay.worker.activities.ActivityFailures;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The charge and its compensation, at the gateway, each safe to retry (see each method).
 *
 * <p>Long because the charge and its compensation each handle every status a Stripe intent can be
 * in and explain why a retry is safe; they stay in one class because Temporal registers them as the
 * one GatewayActivities implementation, and both use its mapping of gateway errors to retryable or
 * final failures.
 */
public final class GatewayActivitiesImpl implements GatewayActivities {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayActivitiesImpl.class);

  private final PaymentDao payments;
  private final GatewayClient gateway;
  private final Waits waits;
  private final DatabaseBlips database;

  /**
   * How long the charge activity waits, within one attempt, for what may pass.
   *
   * @param database how long a database that cannot be reached is waited for before the attempt
   *     fails (the charge activity's start-to-close is 30 s; the gateway calls need the rest)
   * @param settlement how long an intent that is {@code processing} is watched for before the
   *     attempt ends and leaves it to the next
   */
  public record Waits(Duration database, Duration settlement) {
    public static final Waits DEFAULT = new Waits(Duration.ofSeconds(5), Duration.ofSeconds(10));
  }

  public GatewayActivitiesImpl(Jdbi jdbi, GatewayClient gateway) {
    this(jdbi, gateway, Waits.DEFAULT);
  }

  public GatewayActivitiesImpl(Jdbi jdbi, GatewayClient gateway, Waits waits) {
    this.payments = jdbi.onDemand(PaymentDao.class);
    this.gateway = gateway;
    this.waits = waits;
    this.database = new DatabaseBlips(waits.database());
  }

  /**
   * Charges in two steps so that the outcome can always be found out: the payment's PaymentIntent
   * is created unconfirmed (nothing charged; key: the payment id) and its id written to the
   * payment's row, and only then confirmed. A retry, a redrive or a reset of the payment finds the
   * id on the row and retrieves the intent instead of creating another, so a lost answer, a 500
   * the gateway keeps under its key, or a key the gateway forgot after 24 h never leads to a second
   * charge or a charge nobody knows of. The amount and the payment-method token are read from the
   * store, never taken from the workflow input.
   *
   * <p>The intent is carried to a final state where it can be: one that settles asynchronously
   * ({@code processing}) is watched for up to {@link Waits#settlement}, then left to the next
   * attempt (and, after the last, to the compensation, which waits as long as it takes); one that
   * needs the customer to authenticate ({@code requires_action}: there is no customer at a
   * server-side confirm) and one that is declined are canceled, so that they can never charge
   * later, and the payment is declined. A database blip is ridden out ({@link Waits#database})
   * instead of spending one of the attempts, which are meant for the gateway; and once the intent
   * exists its id rides in the activity's heartbeat, so the later attempts do not need the
   * database at all.
   */
  @Override
  public ChargeResult processPaymentWithGateway(PaymentRequest request) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    int attempt = context.getInfo().getAttempt();
    String paymentId = request.paymentId();
    // An earlier attempt that made or found the intent left its id in its heartbeat: this one
    // needs no database to find out what became of the charge, so a database that hangs after a
    // charge went through cannot spend the attempts and get a good charge refunded.
    String intentId = context.getHeartbeatDetails(String.class).orElse(null);
    try {
      GatewayIntent intent;
      if (intentId != null) {
        intent = gateway.retrieve(intentId);
      } else {
        Payment payment =
            database.outlast("reading payment " + paymentId, () -> payments.findById(paymentId))
                .orElseThrow(() -> ActivityFailures.paymentNotFound(paymentId));
        intentId = payment.gatewayReference();
        if (intentId == null) {
          intent = gateway.createIntent(paymentId, payment.amount(), payment.currency(), payment.paymentMethod());
          intentId = intent.id();
          String created = intentId;
          // Written before the confirm: if this fails, nothing has been charged, and the retry
          // creates (replays) the same intent and writes it again.
          database.outlast("recording intent " + created + " of " + paymentId,
              () -> payments.recordGatewayReference(paymentId, created));
          context.heartbeat(intentId);
          intent = gateway.confirmIntent(paymentId, intentId, attempt);
        } else {
          context.heartbeat(intentId);
          intent = gateway.retrieve(intentId);
        }
      }
      GatewayCharge charge = carryOn(paymentId, intent, attempt);
      return new ChargeResult(
          charge.id(),
          charge.amount(),
          charge.currency().toUpperCase(Locale.ROOT),
          attempt);
    } catch (PaymentDeclinedException e) {
      if (intentId != null) {
        cancelQuietly(paymentId, intentId);
      }
      throw toFailure(e);
    } catch (GatewayException e) {
      throw toFailure(e);
    }
  }

  /** An intent that exists: carried on by its status at the gateway until it is final or has to wait. */
  private GatewayCharge carryOn(String paymentId, GatewayIntent intent, int attempt) {
    long settleBy = System.nanoTime() + waits.settlement().toNanos();
    Duration pause = Duration.ofMillis(200);
    while (true) {
      switch (intent.status()) {
        case "succeeded" -> {
          LOG.info("payment {}: charged, intent {} (attempt {})", paymentId, intent.id(), attempt);
          return intent.toCharge();
        }
        case "requires_confirmation" -> intent = gateway.confirmIntent(paymentId, intent.id(), attempt);
        // Declined (an asynchronous payment that settled so, or an earlier attempt's decline):
        // confirming again would retry the customer's card behind the workflow's back.
        case "requires_payment_method" -> {
          if (intent.declineCode() == null && intent.lastError().isEmpty()) {
            intent = gateway.confirmIntent(paymentId, intent.id(), attempt);
          } else {
            throw new PaymentDeclinedException(
                intent.declineCode() == null ? "card_declined" : intent.declineCode(),
                "payment intent " + intent.id() + " was declined" + intent.lastError());
          }
        }
        case "canceled" -> throw new GatewayRejectedException(
            409, "intent_canceled", "payment intent " + intent.id() + " was canceled: nothing was charged");
        case "requires_action" -> throw new PaymentDeclinedException(
            "authentication_required",
            "payment intent " + intent.id() + " needs the customer to authenticate, and a server-side charge has"
                + " no customer to ask: canceled, nothing charged");
        case "processing" -> {
          if (System.nanoTime() + pause.toNanos() > settleBy) {
            throw new GatewayRetryableException(
                "intent_processing", "payment intent " + intent.id() + " is still processing", null, null);
          }
          sleep(pause);
          pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(2)) > 0 ? Duration.ofSeconds(2) : pause.multipliedBy(2);
          intent = gateway.retrieve(intent.id());
        }
        // requires_capture (never asked for): not final, looked at again by the next attempt.
        default -> throw new GatewayRetryableException(
            "intent_" + intent.status(), "payment intent " + intent.id() + " is " + intent.status(), null, null);
      }
    }
  }

  /**
   * Cancels an intent that will not be charged: a declined one could otherwise be confirmed again
   * by anyone with the key, one waiting for authentication could be completed by the customer
   * later. Best effort: an intent left uncanceled charges nothing unless it is confirmed.
   */
  private void cancelQuietly(String paymentId, String intentId) {
    try {
      gateway.cancel(paymentId, intentId);
    } catch (GatewayException e) {
      LOG.warn("payment {}: could not cancel intent {} after it was declined: {}", paymentId, intentId, e.getMessage());
    }
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GatewayRetryableException("interrupted", "interrupted while the intent settled", null, e);
    }
  }

  /**
   * Idempotent: an intent is refunded under {@code Idempotency-Key: refund-<paymentId>}, and an
   * already refunded one counts as refunded. What to undo is read from the gateway itself, through
   * the intent id the payment's row holds (written before any charge was tried): a succeeded intent
   * is refunded and the refund followed until it is final; one that never succeeded is canceled so
   * that it can never charge later; one still processing is looked at again (this activity retries
   * for days). A payment whose row holds no id (the write of it failed, or it was charged before
   * intents were recorded first) is looked for by search, which lags fresh intents, and then by
   * its creation key, which the gateway keeps 24 hours: between them they find an intent of any
   * age.
   */
  @Override
  public RefundResult compensatePayment(PaymentRequest request) {
    try {
      Optional<Payment> payment = payments.findById(request.paymentId());
      Optional<String> intentId = payment.map(Payment::gatewayReference);
      if (intentId.isEmpty()) {
        intentId = gateway.findByPaymentId(request.paymentId()).map(GatewayCharge::id);
      }
      if (intentId.isEmpty() && payment.isPresent()) {
        intentId = Optional.of(intentUnderKey(payment.get()));
      }
      if (intentId.isEmpty()) {
        LOG.info("payment {}: no such payment and no intent for it, nothing to refund", request.paymentId());
        return new RefundResult(null, false);
      }
      if (payment.isPresent() && payment.get().gatewayReference() == null) {
        // Only when found now: rewriting the row on every look would make a compensation that
        // waits for days look busy to the unknown-outcome resolver's alert.
        payments.recordGatewayReference(request.paymentId(), intentId.get());
      }
      GatewayIntent intent = gateway.retrieve(intentId.get());
      if (intent.processing()) {
        throw new GatewayRetryableException(
            "intent_processing", "payment intent " + intent.id() + " is still processing: looked at again later", null, null);
      }
      if (!intent.succeeded()) {
        if (!intent.canceled()) {
          gateway.cancel(request.paymentId(), intent.id());
        }
        LOG.info("payment {}: intent {} never charged ({}), canceled", request.paymentId(), intent.id(), intent.status());
        return new RefundResult(null, false);
      }
      GatewayRefund refund = gateway.refund(request.paymentId(), intent.id());
      if ("pending".equals(refund.status()) && refund.id() != null) {
        refund = gateway.retrieveRefund(refund.id());
      }
      switch (refund.status()) {
        case "succeeded" -> {
          LOG.info("payment {}: refunded intent {}", request.paymentId(), intent.id());
          return new RefundResult(refund.id(), true);
        }
        case "pending" -> throw new GatewayRetryableException(
            "refund_pending", "refund " + refund.id() + " of " + intent.id() + " is pending: looked at again later", null, null);
        default -> throw new GatewayRejectedException(
            402, "refund_" + refund.status(), "refund " + refund.id() + " of " + intent.id() + " ended " + refund.status());
      }
    } catch (GatewayException e) {
      throw toFailure(e);
    }
  }

  /**
   * The id of the intent made under the payment's creation key: the gateway replays it for 24
   * hours, read after write. A key it no longer knows makes a new unconfirmed intent, which charges
   * nothing and is canceled by the caller. A key first used by another kind of request (an intent
   * created and confirmed at once, before intents were made unconfirmed first) cannot be replayed:
   * the search is asked again later, when its index has caught up.
   */
  private String intentUnderKey(Payment payment) {
    try {
      return gateway.createIntent(payment.id(), payment.amount(), payment.currency(), payment.paymentMethod()).id();
    } catch (GatewayRejectedException e) {
      if ("idempotency_error".equals(e.code())) {
        throw new GatewayRetryableException("intent_not_found_yet",
            "payment " + payment.id() + ": its intent is not in the gateway's search yet: looked for again later",
            null, e);
      }
      throw e;
    }
  }

  private static ApplicationFailure toFailure(GatewayException e) {
    if (e instanceof PaymentDeclinedException) {
      return ApplicationFailure.newNonRetryableFailure(
          e.getMessage(), FailureTypes.PAYMENT_DECLINED, e.code());
    }
    if (!e.retryable()) {
      return ApplicationFailure.newNonRetryableFailure(
          e.getMessage(), FailureTypes.GATEWAY_REJECTED, e.code());
    }
    if (GatewayKeyHealth.REFUSED.equals(e.code())) {
      return ApplicationFailure.newFailure(e.getMessage(), FailureTypes.GATEWAY_KEY_REFUSED, e.code());
    }
    return ApplicationFailure.newBuilder()
        .setMessage(e.getMessage())
        .setType(FailureTypes.GATEWAY_UNAVAILABLE)
        .setNextRetryDelay(ActivityFailures.withinRetryPolicy(e.retryAfter().orElse(null)))
        .build();
  }
}
