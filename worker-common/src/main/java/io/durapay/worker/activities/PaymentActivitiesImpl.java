package io.durapay.worker.activities;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durapay.contracts.ChargeResult;
import io.durapay.contracts.EventEnvelope;
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
import io.durapay.worker.gateway.GatewayRefund;
import io.durapay.worker.gateway.PaymentDeclinedException;
import io.durapay.worker.risk.RiskRules;
import io.durapay.worker.webhook.WebhookAttempt;
import io.durapay.worker.webhook.WebhookSender;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
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
      throw invalid("payment_mismatch", "the workflow input does not match the stored payment");
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
   * Idempotent at the gateway: every attempt sends {@code Idempotency-Key: <paymentId>}, so a retry
   * after a lost response returns the first charge instead of making a second. The amount and the
   * payment-method token are read from the store, never taken from the workflow input.
   */
  @Override
  public ChargeResult processPaymentWithGateway(PaymentRequest request) {
    Payment payment =
        payments
            .findById(request.paymentId())
            .orElseThrow(() -> invalid("payment_not_found", "no payment " + request.paymentId()));
    try {
      GatewayCharge charge =
          gateway.charge(
              payment.id(), payment.amount(), payment.currency(), payment.paymentMethod());
      // Kept at once, so a refund never depends on finding the charge again at the gateway. A
      // database that fails here must not fail the charge (a retry would be an unknown outcome,
      // and the compensation a refund of a good charge): the completed transition stores it too.
      try {
        payments.recordGatewayReference(payment.id(), charge.id());
      } catch (RuntimeException e) {
        LOG.warn("payment {}: charge {} not recorded yet: {}", payment.id(), charge.id(), e.toString());
      }
      return new ChargeResult(
          charge.id(),
          charge.amount(),
          charge.currency().toUpperCase(java.util.Locale.ROOT),
          Activity.getExecutionContext().getInfo().getAttempt());
    } catch (GatewayException e) {
      throw toFailure(e);
    }
  }

  /**
   * Idempotent: the refund carries {@code Idempotency-Key: refund-<paymentId>}, and an already
   * refunded charge counts as refunded. The charge is the one recorded when it was made; when
   * there is none (its outcome was never known) the gateway is searched for it, and a charge found
   * that way is recorded before it is refunded, so no charge the gateway made is missing from the
   * payment's row.
   */
  @Override
  public RefundResult compensatePayment(PaymentRequest request) {
    try {
      Optional<String> chargeId =
          payments.findById(request.paymentId()).map(Payment::gatewayReference);
      if (chargeId.isEmpty()) {
        chargeId = gateway.findByPaymentId(request.paymentId()).map(GatewayCharge::id);
        chargeId.ifPresent(id -> payments.recordGatewayReference(request.paymentId(), id));
      }
      if (chargeId.isEmpty()) {
        LOG.info("payment {}: nothing was charged, nothing to refund", request.paymentId());
        return new RefundResult(null, false);
      }
      GatewayRefund refund = gateway.refund(request.paymentId(), chargeId.get());
      LOG.info("payment {}: refunded charge {}", request.paymentId(), chargeId.get());
      return new RefundResult(refund.id(), true);
    } catch (GatewayException e) {
      throw toFailure(e);
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
            .setMessage("webhook not delivered (attempt " + attempt + "): " + result.error())
            .setType(FailureTypes.WEBHOOK_NOT_DELIVERED)
            .setNextRetryDelay(result.retryAfter())
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
                payment.failureCode(),
                payment.failureMessage(),
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
    return ApplicationFailure.newBuilder()
        .setMessage(e.getMessage())
        .setType(FailureTypes.GATEWAY_UNAVAILABLE)
        .setNextRetryDelay(e.retryAfter().orElse(null))
        .build();
  }
}
