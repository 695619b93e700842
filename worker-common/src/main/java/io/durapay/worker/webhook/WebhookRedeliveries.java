package io.durapay.worker.webhook;

import io.durapay.contracts.EventType;
import io.durapay.contracts.WebhookNotification;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import io.durapay.store.WebhookDeliveryDao;
import io.durapay.store.WebhookRedelivery;
import io.durapay.store.WebhookRedeliveryDao;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends webhooks again, a sweep every worker runs: those operators asked to re-deliver (the
 * console's "Re-deliver"), tried at once, and those the payment's workflow could not deliver, handed
 * over by {@link WebhookActivitiesImpl#deliver} and first tried after the schedule's first wait.
 * Each is the event's own webhook: the same {@code webhook-id}, the same bytes, the same endpoint
 * checks and recording as the workflow's delivery ({@link WebhookActivitiesImpl#attempt}), numbered
 * after the event's last attempt. A failure worth retrying waits the {@link WebhookRetrySchedule}'s
 * next wait (the endpoint's longer {@code Retry-After} within its longest); when the schedule is
 * spent the webhook ends undeliverable.
 *
 * <p>Why not a workflow: the retries last three days, and a payment's workflow must not stay open
 * that long; a delivery workflow per event would be a new workflow type the blue build's workers do
 * not know, and would hold a rollout's drain for days. The database row is what makes it durable:
 * taken with a lease, so a worker that dies mid-send leaves it to the next sweep, and two workers
 * never send it at once. Time is the injected clock's, so a test can let days pass.
 */
public final class WebhookRedeliveries implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookRedeliveries.class);
  /** The most one sweep sends; the rest wait for the next (2 s later). */
  private static final int MAX_PER_SWEEP = 100;

  private final WebhookActivitiesImpl webhooks;
  private final WebhookRedeliveryDao requests;
  private final WebhookDeliveryDao deliveries;
  private final PaymentDao payments;
  private final WebhookRetrySchedule schedule;
  /** Longer than an attempt can take (its call timeout), so a lease never runs out mid-send. */
  private final Duration lease;
  private final Clock clock;

  public WebhookRedeliveries(
      Jdbi jdbi, WebhookActivitiesImpl webhooks, WebhookRetrySchedule schedule, Duration lease, Clock clock) {
    this.webhooks = webhooks;
    this.requests = jdbi.onDemand(WebhookRedeliveryDao.class);
    this.deliveries = jdbi.onDemand(WebhookDeliveryDao.class);
    this.payments = jdbi.onDemand(PaymentDao.class);
    this.schedule = schedule;
    this.lease = lease;
    this.clock = clock;
  }

  @Override
  public void run() {
    try {
      // One at a time: each is leased only for as long as its own send can take.
      for (int sent = 0; sent < MAX_PER_SWEEP; sent++) {
        Instant now = clock.instant();
        List<WebhookRedelivery> due = requests.takeDue(1, now, now.plus(lease));
        if (due.isEmpty()) {
          return;
        }
        redeliver(due.get(0));
      }
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again: log it and sweep next time.
      LOG.warn("webhook re-delivery sweep failed; it runs again at its next interval", e);
    }
  }

  private void redeliver(WebhookRedelivery request) {
    boolean scheduled = WebhookRedeliveryDao.RETRY_SCHEDULE.equals(request.requestedBy());
    if (scheduled && deliveries.delivered(request.eventId())) {
      requests.finish(request.id(), request.tries(), "delivered"); // by the workflow's own later attempt
      return;
    }
    Payment payment = payments.findById(request.paymentId()).orElseThrow();
    WebhookNotification notification = new WebhookNotification(
        payment.id(), request.eventId(), EventType.fromWireName(request.eventType()), payment.correlationId());
    // The schedule's first wait came before a scheduled request's first try; an operator's is tried at once.
    int step = scheduled ? request.tries() : request.tries() - 1;
    boolean last = step >= schedule.size();
    WebhookActivitiesImpl.Delivery delivery = webhooks.attempt(
        notification, deliveries.nextAttempt(request.eventId()), last ? WebhookActivitiesImpl.UNDELIVERABLE : null);
    // A take whose lease ran out mid-send (another worker took the request since) records nothing.
    if (delivery.again()) {
      requests.retryAt(request.id(), request.tries(),
          clock.instant().plus(schedule.wait(step, delivery.sent().retryAfter()).orElseThrow()));
    } else if (requests.finish(request.id(), request.tries(), delivery.result().outcome())) {
      LOG.info("payment {}: webhook {} re-delivered for {} (try {}): {}", payment.id(), request.eventId(),
          request.requestedBy(), request.tries(), delivery.result().outcome());
    }
  }
}
