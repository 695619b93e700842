package io.durapay.api.console;

import io.durapay.api.reconciler.Reconciler;
import io.durapay.api.workflows.PaymentWorkflows;
import io.durapay.contracts.CancelRequest;
import io.durapay.store.OperatorDao;
import io.durapay.store.OutboxDao;
import io.durapay.store.OutboxEvent;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import io.durapay.store.WebhookDelivery;
import io.durapay.store.WebhookDeliveryDao;
import io.durapay.store.WebhookRedeliveryDao;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * What an operator can do from the console. Each is recorded in {@code operator_actions} (who,
 * what, on what, how it ended), and each may be repeated without harm: a second cancel finds the
 * payment cancelled or its cancel already on the way; a second requeue finds nothing parked; the
 * reconciler only republishes what is still stranded; a redriven message starts no second workflow;
 * a second re-delivery while the first is on the way finds it open and adds none (and the merchant
 * dedupes every delivery by its {@code webhook-id}).
 */
public final class ConsoleActions {
  private final PaymentDao payments;
  private final PaymentWorkflows workflows;
  private final OutboxDao outbox;
  private final WebhookDeliveryDao webhooks;
  private final WebhookRedeliveryDao redeliveries;
  private final OperatorDao audit;
  private final Reconciler reconciler;
  private final Optional<DeadLetters> deadLetters;

  public ConsoleActions(Jdbi jdbi, PaymentWorkflows workflows, Reconciler reconciler,
      Optional<DeadLetters> deadLetters) {
    this.payments = jdbi.onDemand(PaymentDao.class);
    this.workflows = workflows;
    this.outbox = jdbi.onDemand(OutboxDao.class);
    this.webhooks = jdbi.onDemand(WebhookDeliveryDao.class);
    this.redeliveries = jdbi.onDemand(WebhookRedeliveryDao.class);
    this.audit = jdbi.onDemand(OperatorDao.class);
    this.reconciler = reconciler;
    this.deadLetters = deadLetters;
  }

  /**
   * Asks for the payment to be cancelled. Returns the notice to show ("cancel-requested" or
   * "already-final"); empty when there is no such payment.
   */
  public Optional<String> cancel(String operator, String paymentId) {
    Optional<Payment> payment = payments.findById(paymentId);
    if (payment.isEmpty()) {
      return Optional.empty();
    }
    CancelRequest request = new CancelRequest("requested by operator " + operator + " in the console", operator);
    Optional<Payment> alreadyFinal = workflows.requestCancel(payments, payment.get(), request);
    String outcome = alreadyFinal.map(p -> "refused: already " + p.status().wireName()).orElse("cancel requested");
    audit.recordAction(operator, "cancel", paymentId, outcome);
    return Optional.of(alreadyFinal.isPresent() ? "already-final" : "cancel-requested");
  }

  /** What a re-delivery request did, and the payment's id. */
  public record Redelivery(Outcome outcome, String paymentId) {
    /** Queued anew; a waiting retry brought forward to now; or being sent at this moment. */
    public enum Outcome { QUEUED, BROUGHT_FORWARD, BEING_SENT }
  }

  /**
   * Asks the workers to send the event's webhook again now, under its own {@code webhook-id}: a
   * new request, or the waiting retry of an open one brought forward (one being sent at this
   * moment is left to that attempt); empty when durapay never sent a webhook of that id.
   */
  public Optional<Redelivery> redeliverWebhook(String operator, String eventId) {
    List<WebhookDelivery> attempts = webhooks.forEvent(eventId);
    if (attempts.isEmpty()) {
      return Optional.empty();
    }
    WebhookDelivery first = attempts.get(0);
    Redelivery.Outcome outcome =
        redeliveries.request(eventId, first.paymentId(), first.eventType(), operator) ? Redelivery.Outcome.QUEUED
            : redeliveries.bringForward(eventId, Instant.now()) ? Redelivery.Outcome.BROUGHT_FORWARD
            : Redelivery.Outcome.BEING_SENT;
    audit.recordAction(operator, "re-deliver webhook " + eventId, first.paymentId(), switch (outcome) {
      case QUEUED -> "queued for the workers";
      case BROUGHT_FORWARD -> "its waiting retry brought forward to now";
      case BEING_SENT -> "already being sent or due: nothing changed";
    });
    return Optional.of(new Redelivery(outcome, first.paymentId()));
  }

  /** What a requeue did: how many events it put back, and the payment they belong to. */
  public record Requeued(int count, String paymentId) {}

  /** Puts one parked event back in line for the relay. */
  public Requeued requeue(String operator, String eventId) {
    List<OutboxEvent> events = outbox.findByEventId(eventId);
    String paymentId = events.isEmpty() ? null : events.get(0).aggregateId();
    int count = outbox.requeueParked(eventId);
    audit.recordAction(operator, "requeue outbox event " + eventId, paymentId,
        count > 0 ? "requeued" : "not parked: nothing changed");
    return new Requeued(count, paymentId);
  }

  /**
   * Moves the dead-letter queue's messages back to the bridge's queue; how many, or empty when no
   * dead-letter queue is configured. A second redrive finds nothing to move.
   */
  public Optional<Integer> redriveDeadLetters(String operator) {
    if (deadLetters.isEmpty()) {
      return Optional.empty();
    }
    int moved = deadLetters.get().redrive();
    audit.recordAction(operator, "redrive dead letters", null, "moved " + moved);
    return Optional.of(moved);
  }

  /** One reconciler run, now; returns what it did. */
  public String reconcile(String operator) {
    String result = reconciler.reconcileOnce().toString();
    audit.recordAction(operator, "reconcile", null, result);
    return result;
  }
}
