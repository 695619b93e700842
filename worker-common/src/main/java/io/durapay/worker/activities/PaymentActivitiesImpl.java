package io.durapay.worker.activities;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durapay.contracts.ChargeResult;
import io.durapay.contracts.EventEnvelope;
import io.durapay.contracts.FailureTypes;
import io.durapay.contracts.MerchantMessages;
import io.durapay.contracts.PaymentActivities;
import io.durapay.contracts.PaymentEventData;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.RefundResult;
import io.durapay.contracts.RiskDecision;
import io.durapay.contracts.StatusChange;
import io.durapay.contracts.TransitionResult;
import io.durapay.contracts.WebhookNotification;
import io.durapay.contracts.WebhookResult;
import io.durapay.store.Merchant;
import io.durapay.store.MerchantDao;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import io.durapay.store.WebhookDeliveryDao;
import io.durapay.worker.gateway.GatewayCharge;
import io.durapay.worker.gateway.GatewayClient;
import io.durapay.worker.gateway.GatewayException;
import io.durapay.worker.gateway.GatewayIntent;
import io.durapay.worker.gateway.GatewayKeyHealth;
import io.durapay.worker.gateway.GatewayRefund;
import io.durapay.worker.gateway.GatewayRejectedException;
import io.durapay.worker.gateway.GatewayRetryableException;
import io.durapay.worker.gateway.PaymentDeclinedException;
import io.durapay.worker.risk.RiskRules;
import io.durapay.worker.webhook.WebhookAttempt;
import io.durapay.worker.webhook.WebhookSender;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The side effects of a payment, each safe to retry (see each method). */
public final class PaymentActivitiesImpl implements PaymentActivities {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentActivitiesImpl.class);

  private final PaymentDao payments;
  private final MerchantDao merchants;
  private final WebhookDeliveryDao deliveries;
  private final GatewayClient gateway;
  private final WebhookSender webhooks;
  private final ObjectMapper mapper;
  private final RiskRules risk;
  private final String build;
  private final Waits waits;
  private final DatabaseBlips database;
  private final java.util.concurrent.atomic.AtomicLong inputMismatches = new java.util.concurrent.atomic.AtomicLong();

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

  /**
   * @param build the worker build running these activities ({@code v1}, {@code v2}); recorded on
   *     every payment it moves, so the database says which build ran which payment
   */
  public PaymentActivitiesImpl(
      Jdbi jdbi,
      GatewayClient gateway,
      WebhookSender webhooks,
      ObjectMapper mapper,
      RiskRules risk,
      String build) {
    this(jdbi, gateway, webhooks, mapper, risk, build, Waits.DEFAULT);
  }

  public PaymentActivitiesImpl(
      Jdbi jdbi,
      GatewayClient gateway,
      WebhookSender webhooks,
      ObjectMapper mapper,
      RiskRules risk,
      String build,
      Waits waits) {
    this.waits = waits;
    this.database = new DatabaseBlips(waits.database());
    this.payments = jdbi.onDemand(PaymentDao.class);
    this.merchants = jdbi.onDemand(MerchantDao.class);
    this.deliveries = jdbi.onDemand(WebhookDeliveryDao.class);
    this.gateway = gateway;
    this.webhooks = webhooks;
    this.mapper = mapper;
    this.risk = risk;
    this.build = build;
  }

  /** Idempotent: it only reads. A final payment fails it with {@code PaymentNotInitiated}. */
  @Override
  public void validatePayment(PaymentRequest request) {
    Payment payment =
        payments
            .findById(request.paymentId())
            .orElseThrow(() -> invalid("payment_not_found", "no payment " + request.paymentId()));
    // A payment still processing has lost its workflow (terminated, or its history expired): a new
    // one may carry it on safely, because every charge and refund of it is idempotent at the
    // gateway. Only a final payment is left alone.
    if (payment.status().isFinal()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "payment " + payment.id() + " is already " + payment.status().wireName(),
          FailureTypes.PAYMENT_NOT_INITIATED,
          payment.status().wireName());
    }
    if (payment.status() == io.durapay.contracts.PaymentStatus.PROCESSING) {
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
            .orElseThrow(() -> invalid("merchant_not_found", "no merchant " + payment.merchantId()));
    if (merchant.maxAmount() != null && payment.amount() > merchant.maxAmount()) {
      throw invalid(
          "amount_exceeds_merchant_limit",
          "amount " + payment.amount() + " is over the merchant's limit of " + merchant.maxAmount());
    }
  }

  /** Workflows whose input did not match their stored payment (metric {@code durapay_workflow_input_mismatches}). */
  public long inputMismatches() {
    return inputMismatches.get();
  }

  /** Idempotent: it only reads. The amount and token screened are the stored ones. */
  @Override
  public RiskDecision screenPayment(PaymentRequest request) {
    Payment payment =
        payments
            .findById(request.paymentId())
            .orElseThrow(() -> invalid("payment_not_found", "no payment " + request.paymentId()));
    return risk.screen(payment);
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
            .orElseThrow(() -> invalid("payment_not_found", "no payment " + change.paymentId()));
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
                .orElseThrow(() -> invalid("payment_not_found", "no payment " + paymentId));
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
          charge.currency().toUpperCase(java.util.Locale.ROOT),
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

  /**
   * Idempotent for the merchant: every attempt carries the same {@code webhook-id} (the event id
   * chosen by the workflow), and the body is built from stored values only, so it is the same
   * bytes each time. Each attempt is recorded; the last one, if it fails, is recorded as
   * undeliverable and returns instead of failing, so the payment is never failed by its webhook.
   */
  @Override
  public WebhookResult sendWebhookNotification(WebhookNotification notification) {
    ActivityInfo info = Activity.getExecutionContext().getInfo();
    int attempt = info.getAttempt();
    Payment payment =
        payments
            .findById(notification.paymentId())
            .orElseThrow(() -> invalid("payment_not_found", "no payment " + notification.paymentId()));
    Merchant merchant = merchants.findById(payment.merchantId()).orElseThrow();
    if (merchant.webhookUrl() == null || merchant.webhookDisabledAt() != null) {
      record(notification, payment, attempt, merchant.webhookUrl(), null, "skipped",
          merchant.webhookUrl() == null ? "no webhook URL" : "webhooks disabled");
      return new WebhookResult(false, attempt, 0, "skipped");
    }
    String body = envelope(notification, payment);
    WebhookAttempt result =
        webhooks.send(merchant.webhookUrl(), merchant.webhookSecret(), notification.eventId(), body);
    int status = result.statusCode() == null ? 0 : result.statusCode();
    switch (result.outcome()) {
      case DELIVERED -> {
        record(notification, payment, attempt, merchant.webhookUrl(), result.statusCode(), "delivered", null);
        return new WebhookResult(true, attempt, status, "delivered");
      }
      case GONE -> {
        merchants.disableWebhooks(merchant.id());
        record(notification, payment, attempt, merchant.webhookUrl(), result.statusCode(), "gone",
            "endpoint answered 410 Gone; webhooks disabled for the merchant");
        return new WebhookResult(false, attempt, status, "gone");
      }
      case REJECTED, REFUSED -> {
        String outcome = result.outcome() == WebhookAttempt.Outcome.REJECTED ? "rejected" : "refused";
        record(notification, payment, attempt, merchant.webhookUrl(), result.statusCode(), outcome,
            result.error());
        return new WebhookResult(false, attempt, status, outcome);
      }
      default -> {
        if (isLastAttempt(info)) {
          record(notification, payment, attempt, merchant.webhookUrl(), result.statusCode(),
              "undeliverable", result.error());
          return new WebhookResult(false, attempt, status, "undeliverable");
        }
        record(notification, payment, attempt, merchant.webhookUrl(), result.statusCode(), "retrying",
            result.error());
        throw ApplicationFailure.newBuilder()
            // The failure is in the history, which the merchant's timeline shows: an HTTP status
            // only, never how a connection failed (refused, reset, timed out), which would let a
            // merchant map ports behind any address its URL resolves to. The raw error is in
            // webhook_deliveries, for operators.
            .setMessage("webhook not delivered (attempt " + attempt + "): "
                + (result.statusCode() == null ? "the endpoint could not be reached" : "HTTP " + result.statusCode()))
            .setType(FailureTypes.WEBHOOK_NOT_DELIVERED)
            .setNextRetryDelay(withinPolicy(result.retryAfter()))
            .build();
      }
    }
  }

  private String envelope(WebhookNotification notification, Payment payment) {
    EventEnvelope event =
        new EventEnvelope(
            notification.eventId(),
            notification.type(),
            payment.updatedAt(),
            notification.correlationId(),
            new PaymentEventData(
                payment.id(),
                payment.merchantId(),
                payment.amount(),
                payment.currency(),
                payment.status(),
                // The merchant's code and its fixed sentence; the stored message is for operators.
                MerchantMessages.code(payment.failureCode()),
                MerchantMessages.forCode(payment.failureCode()),
                payment.gatewayReference()));
    try {
      return mapper.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the event", e);
    }
  }

  private void record(
      WebhookNotification notification, Payment payment, int attempt, String url, Integer status,
      String outcome, String error) {
    deliveries.record(
        notification.eventId(), payment.id(), payment.merchantId(), notification.type().wireName(),
        attempt, url, status, outcome, error);
  }

  private static boolean isLastAttempt(ActivityInfo info) {
    RetryOptions retry = info.getRetryOptions();
    return retry != null && retry.getMaximumAttempts() > 0 && info.getAttempt() >= retry.getMaximumAttempts();
  }

  /**
   * A {@code Retry-After} the other side asked for, capped at the retry policy's longest interval:
   * a server that answers "in 30 years" must not park a payment past everything its workflow
   * planned. Outside an activity (a direct call) there is no policy, and nothing to cap by.
   */
  private static Duration withinPolicy(Duration asked) {
    if (asked == null) {
      return null;
    }
    RetryOptions retry;
    try {
      retry = Activity.getExecutionContext().getInfo().getRetryOptions();
    } catch (IllegalStateException notInAnActivity) {
      return asked;
    }
    Duration longest = retry == null ? null : retry.getMaximumInterval();
    return longest != null && asked.compareTo(longest) > 0 ? longest : asked;
  }

  private static ApplicationFailure invalid(String code, String message) {
    return ApplicationFailure.newNonRetryableFailure(message, FailureTypes.PAYMENT_INVALID, code);
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
        .setNextRetryDelay(withinPolicy(e.retryAfter().orElse(null)))
        .build();
  }
}
