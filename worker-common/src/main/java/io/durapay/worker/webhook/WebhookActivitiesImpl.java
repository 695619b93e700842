package io.durapay.worker.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durapay.contracts.EventEnvelope;
import io.durapay.contracts.FailureTypes;
import io.durapay.contracts.WebhookActivities;
import io.durapay.contracts.WebhookNotification;
import io.durapay.contracts.WebhookResult;
import io.durapay.store.Merchant;
import io.durapay.store.MerchantDao;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import io.durapay.store.PaymentEvents;
import io.durapay.store.WebhookDeliveryDao;
import io.durapay.store.WebhookRedeliveryDao;
import io.durapay.worker.activities.ActivityFailures;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The merchant's webhook for a payment event, signed, recorded attempt by attempt. */
public final class WebhookActivitiesImpl implements WebhookActivities {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookActivitiesImpl.class);
  /** The outcome of a delivery that ended without reaching the merchant, no try left. */
  static final String UNDELIVERABLE = "undeliverable";
  /** The outcome of the workflow's last attempt when the retry schedule goes on with the webhook. */
  static final String DEFERRED = "deferred";
  private final PaymentDao payments;
  private final MerchantDao merchants;
  private final WebhookDeliveryDao deliveries;
  private final WebhookRedeliveryDao redeliveries;
  private final WebhookSender webhooks;
  private final ObjectMapper mapper;
  private final WebhookRetrySchedule schedule;
  private final Clock clock;

  /** Without a retry schedule: a webhook the workflow cannot deliver ends undeliverable. */
  public WebhookActivitiesImpl(Jdbi jdbi, WebhookSender webhooks, ObjectMapper mapper) {
    this(jdbi, webhooks, mapper, WebhookRetrySchedule.none(), Clock.systemUTC());
  }

  /** @param schedule where a webhook the workflow could not deliver goes on being tried */
  public WebhookActivitiesImpl(
      Jdbi jdbi, WebhookSender webhooks, ObjectMapper mapper, WebhookRetrySchedule schedule, Clock clock) {
    this.payments = jdbi.onDemand(PaymentDao.class);
    this.merchants = jdbi.onDemand(MerchantDao.class);
    this.deliveries = jdbi.onDemand(WebhookDeliveryDao.class);
    this.redeliveries = jdbi.onDemand(WebhookRedeliveryDao.class);
    this.webhooks = webhooks;
    this.mapper = mapper;
    this.schedule = schedule;
    this.clock = clock;
  }

  /**
   * Idempotent for the merchant: every attempt carries the same {@code webhook-id} (the event id
   * chosen by the workflow), and the body is built from stored values only, so it is the same
   * bytes each time. Each attempt is recorded. The last one, if it fails, returns instead of
   * failing, so the payment is never failed by its webhook: recorded as undeliverable, or, with a
   * retry schedule, as deferred, the schedule going on with it.
   */
  @Override
  public WebhookResult sendWebhookNotification(WebhookNotification notification) {
    ActivityInfo info = Activity.getExecutionContext().getInfo();
    Delivery delivery = deliver(notification, info.getAttempt(), isLastAttempt(info));
    if (!delivery.again()) {
      return delivery.result();
    }
    WebhookAttempt sent = delivery.sent();
    throw ApplicationFailure.newBuilder()
        // The failure is in the history, which the merchant's timeline shows: an HTTP status
        // only, never how a connection failed (refused, reset, timed out), which would let a
        // merchant map ports behind any address its URL resolves to. The raw error is in
        // webhook_deliveries, for operators.
        .setMessage("webhook not delivered (attempt " + info.getAttempt() + "): "
            + (sent.statusCode() == null ? "the endpoint could not be reached" : "HTTP " + sent.statusCode()))
        .setType(FailureTypes.WEBHOOK_NOT_DELIVERED)
        .setNextRetryDelay(ActivityFailures.withinRetryPolicy(sent.retryAfter()))
        .build();
  }

  /**
   * The workflow's attempt {@code attempt} ({@code last}: its retry policy allows no more). At the
   * first failure worth retrying the event is handed to the retry schedule, its first try after the
   * schedule's first wait, by when the workflow has stopped trying (its attempts take minutes). The
   * hand-off comes first so that nothing the workflow's activity may still meet (a worker stopped
   * mid-retry, a timeout that cuts its last attempt) loses the webhook; the sweep drops the request
   * if the workflow delivered it meanwhile.
   */
  Delivery deliver(WebhookNotification notification, int attempt, boolean last) {
    Delivery delivery = attempt(notification, attempt, last ? (schedule.isEmpty() ? UNDELIVERABLE : DEFERRED) : null);
    boolean failedForNow = delivery.again() || DEFERRED.equals(delivery.result().outcome());
    if (failedForNow && !schedule.isEmpty()) {
      // attempt() found the payment: its id is the notification's.
      redeliveries.schedule(notification.eventId(), notification.paymentId(), notification.type().wireName(),
          clock.instant().plus(schedule.wait(0, null).orElseThrow()));
    }
    return delivery;
  }

  /**
   * What one attempt came to. {@code again}: it failed in a way worth retrying and was not the last
   * ({@code sent} then says how, with the endpoint's {@code Retry-After}); otherwise {@code result}
   * is how the delivery ended.
   */
  record Delivery(WebhookResult result, boolean again, WebhookAttempt sent) {}

  /**
   * One delivery attempt of {@code notification}, recorded in {@code webhook_deliveries} as attempt
   * number {@code attempt}. {@code endsAs}: null while more tries may follow; otherwise what a
   * failure worth retrying is recorded as, the delivery ending there ({@link #UNDELIVERABLE}, or
   * {@link #DEFERRED} to the retry schedule). The workflow's activity and the re-delivery sweep
   * ({@link WebhookRedeliveries}) both come here, so a re-sent webhook is the same bytes under the
   * same {@code webhook-id}.
   */
  Delivery attempt(WebhookNotification notification, int attempt, String endsAs) {
    Payment payment =
        payments
            .findById(notification.paymentId())
            .orElseThrow(() -> ActivityFailures.paymentNotFound(notification.paymentId()));
    Merchant merchant = merchants.findById(payment.merchantId()).orElseThrow();
    if (merchant.webhookUrl() == null || merchant.webhookDisabledAt() != null) {
      record(notification, payment, attempt, merchant.webhookUrl(), null, "skipped",
          merchant.webhookUrl() == null ? "no webhook URL" : "webhooks disabled");
      return new Delivery(new WebhookResult(false, attempt, 0, "skipped"), false, null);
    }
    String body = envelope(notification, payment);
    // During a secret rotation's overlap both secrets sign, so either verifies at the merchant.
    List<String> secrets = merchants.previousWebhookSecret(merchant.id(), clock.instant())
        .map(previous -> List.of(merchant.webhookSecret(), previous))
        .orElse(List.of(merchant.webhookSecret()));
    WebhookAttempt result = webhooks.send(merchant.webhookUrl(), secrets, notification.eventId(), body);
    int status = result.statusCode() == null ? 0 : result.statusCode();
    switch (result.outcome()) {
      case DELIVERED -> {
        LOG.info("payment {}: webhook {} {} delivered (attempt {}, HTTP {})", payment.id(), notification.type(),
            notification.eventId(), attempt, status);
        record(notification, payment, attempt, merchant.webhookUrl(), result.statusCode(), "delivered", null);
        return new Delivery(new WebhookResult(true, attempt, status, "delivered"), false, result);
      }
      case GONE -> {
        merchants.disableWebhooks(merchant.id());
        record(notification, payment, attempt, merchant.webhookUrl(), result.statusCode(), "gone",
            "endpoint answered 410 Gone; webhooks disabled for the merchant");
        return new Delivery(new WebhookResult(false, attempt, status, "gone"), false, result);
      }
      case REJECTED, REFUSED -> {
        String outcome = result.outcome() == WebhookAttempt.Outcome.REJECTED ? "rejected" : "refused";
        record(notification, payment, attempt, merchant.webhookUrl(), result.statusCode(), outcome,
            result.error());
        return new Delivery(new WebhookResult(false, attempt, status, outcome), false, result);
      }
      default -> {
        String outcome = endsAs != null ? endsAs : "retrying";
        record(notification, payment, attempt, merchant.webhookUrl(), result.statusCode(), outcome, result.error());
        return new Delivery(new WebhookResult(false, attempt, status, outcome), endsAs == null, result);
      }
    }
  }

  private String envelope(WebhookNotification notification, Payment payment) {
    EventEnvelope event = PaymentEvents.of(
        payment, notification.eventId(), notification.type(), payment.updatedAt(), notification.correlationId());
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
}
