package io.durapay.worker.webhook;

import io.durapay.contracts.EventType;
import io.durapay.contracts.WebhookNotification;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import io.durapay.store.WebhookDeliveryDao;
import io.durapay.store.WebhookRedelivery;
import io.durapay.store.WebhookRedeliveryDao;
import java.time.Duration;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends again the webhooks operators asked to re-deliver (the console's "Re-deliver"), a sweep
 * every worker runs. Each is the event's own webhook: the same {@code webhook-id}, the same bytes,
 * the same endpoint checks and recording as the workflow's delivery ({@link
 * WebhookActivitiesImpl#attempt}), numbered after the event's last attempt. A failure worth
 * retrying is tried again after 10 s, 20 s, 40 s, … (at most {@code maxBackoff}, or the endpoint's
 * {@code Retry-After} within that), up to {@code maxTries}, then it ends undeliverable.
 *
 * <p>Why not a workflow: a re-delivery is one HTTP call with a few retries, it must run whichever
 * build is deployed (a new workflow type would be unknown to the blue build's workers), and it
 * must not hold a rollout's drain. The database row is what makes it durable: taken with a lease,
 * so a worker that dies mid-send leaves it to the next sweep, and two workers never send it at once.
 */
public final class WebhookRedeliveries implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookRedeliveries.class);
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(10);
  private static final int BATCH = 20;

  private final WebhookActivitiesImpl webhooks;
  private final WebhookRedeliveryDao requests;
  private final WebhookDeliveryDao deliveries;
  private final PaymentDao payments;
  private final int maxTries;
  private final Duration maxBackoff;
  /** Longer than an attempt can take (its call timeout), so a lease never runs out mid-send. */
  private final Duration lease;

  public WebhookRedeliveries(
      Jdbi jdbi, WebhookActivitiesImpl webhooks, int maxTries, Duration maxBackoff, Duration lease) {
    this.webhooks = webhooks;
    this.requests = jdbi.onDemand(WebhookRedeliveryDao.class);
    this.deliveries = jdbi.onDemand(WebhookDeliveryDao.class);
    this.payments = jdbi.onDemand(PaymentDao.class);
    this.maxTries = maxTries;
    this.maxBackoff = maxBackoff;
    this.lease = lease;
  }

  @Override
  public void run() {
    try {
      List<WebhookRedelivery> due;
      do {
        due = requests.takeDue(BATCH, lease.toSeconds());
        due.forEach(this::redeliver);
      } while (due.size() == BATCH);
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again: log it and sweep next time.
      LOG.warn("webhook re-delivery sweep failed; it runs again at its next interval", e);
    }
  }

  private void redeliver(WebhookRedelivery request) {
    Payment payment = payments.findById(request.paymentId()).orElseThrow();
    WebhookNotification notification = new WebhookNotification(
        payment.id(), request.eventId(), EventType.fromWireName(request.eventType()), payment.correlationId());
    boolean last = request.tries() >= maxTries;
    WebhookActivitiesImpl.Delivery delivery =
        webhooks.attempt(notification, deliveries.nextAttempt(request.eventId()), last);
    if (delivery.again()) {
      requests.retryIn(request.id(), backoff(request.tries(), delivery.sent().retryAfter()).toSeconds());
    } else {
      requests.finish(request.id(), delivery.result().outcome());
      LOG.info("payment {}: webhook {} re-delivered for {} (try {}): {}", payment.id(), request.eventId(),
          request.requestedBy(), request.tries(), delivery.result().outcome());
    }
  }

  /** After try {@code tries}: 10 s doubling, at most maxBackoff; the endpoint's Retry-After within that. */
  Duration backoff(int tries, Duration retryAfter) {
    Duration planned = FIRST_BACKOFF.multipliedBy(1L << Math.min(tries - 1, 20));
    Duration wait = retryAfter != null ? retryAfter : planned;
    return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
  }
}
