package io.durapay.api.reconciler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durapay.api.outbox.OutboxRelay;
import io.durapay.contracts.EventEnvelope;
import io.durapay.api.payments.PaymentIds;
import io.durapay.store.PaymentEvents;
import io.durapay.store.OutboxDao;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds payments stranded in {@code initiated} (their event was published long ago, or lost on
 * the way, and still no workflow) and puts a new {@code payment.initiated} event in the outbox
 * for each whose workflow Temporal says does not exist. It never starts a workflow itself: the
 * event takes the normal path, and every start uses the payment's own workflow id with
 * REJECT_DUPLICATE, so a payment still gets one workflow even if the lost event turns up too.
 * When Temporal cannot answer, the run stops and changes nothing: the next run tries again.
 */
public final class Reconciler implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  /** What one run did. {@code stoppedBy} says why it ended early (Temporal), else null. */
  public record Result(
      int examined, List<String> republished, int withWorkflow, String stoppedBy) {
    @Override
    public String toString() {
      return "examined: " + examined
          + ", republished: " + republished.size() + " " + republished
          + ", workflow exists: " + withWorkflow
          + (stoppedBy == null ? "" : ", stopped: " + stoppedBy);
    }
  }

  private final Jdbi jdbi;
  private final WorkflowPresence workflows;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final Duration threshold;
  private final int batchSize;
  private final OutboxRelay relay;
  /**
   * Where the last run stopped (the last payment it examined), or null to start from the oldest:
   * a full batch of payments whose workflows exist must not hide the ones behind it run after run.
   */
  private Payment cursor; // guarded by this

  /** {@code relay} may be null when this instance runs none. */
  public Reconciler(
      Jdbi jdbi,
      WorkflowPresence workflows,
      ObjectMapper mapper,
      Clock clock,
      ReconcilerFactory settings,
      OutboxRelay relay) {
    this.jdbi = jdbi;
    this.workflows = workflows;
    this.mapper = mapper;
    this.clock = clock;
    this.threshold = settings.getThreshold().toJavaDuration();
    this.batchSize = settings.getBatchSize();
    this.relay = relay;
  }

  /** The scheduled run: never throws, or the executor would stop scheduling it. */
  @Override
  public void run() {
    try {
      Result result = reconcileOnce();
      if (!result.republished().isEmpty() || result.stoppedBy() != null) {
        LOG.warn("payment reconciler: {}", result);
      }
    } catch (RuntimeException e) {
      LOG.warn("payment reconciler run failed; the next run tries again: {}", e.toString());
    }
  }

  /** One run; synchronized so the schedule and the admin task never overlap in one instance. */
  public synchronized Result reconcileOnce() {
    PaymentDao dao = jdbi.onDemand(PaymentDao.class);
    List<Payment> stranded = cursor == null
        ? dao.findStranded(threshold.toMillis(), batchSize)
        : dao.findStrandedAfter(threshold.toMillis(), cursor.updatedAt(), cursor.id(), batchSize);
    // A full batch: the next run goes on after it. A short one reached the end: start over.
    cursor = stranded.size() < batchSize ? null : stranded.get(stranded.size() - 1);
    List<String> republished = new ArrayList<>();
    int withWorkflow = 0;
    for (Payment payment : stranded) {
      boolean exists;
      try {
        exists = workflows.exists(payment.id());
      } catch (RuntimeException e) {
        LOG.warn(
            "payment reconciler: Temporal cannot say whether {}'s workflow exists; nothing"
                + " republished, left for the next run: {}",
            payment.id(),
            e.toString());
        return new Result(stranded.size(), republished, withWorkflow, "Temporal: " + e.getMessage());
      }
      if (exists) {
        withWorkflow++;
      } else if (republish(payment.id())) {
        LOG.warn("payment reconciler: {} has no workflow; its payment.initiated event is"
            + " published again", payment.id());
        republished.add(payment.id());
      }
    }
    if (!republished.isEmpty() && relay != null) {
      relay.wakeUp();
    }
    return new Result(stranded.size(), republished, withWorkflow, null);
  }

  // Decided again under the payment's row lock, so two instances reconciling at once add one
  // event, and a payment that moved on or got its event meanwhile gets none.
  private boolean republish(String paymentId) {
    return jdbi.inTransaction(
        handle -> {
          PaymentDao payments = handle.attach(PaymentDao.class);
          payments.lockStatus(paymentId);
          var still = payments.findStrandedById(paymentId, threshold.toMillis());
          if (still.isEmpty()) {
            return false;
          }
          Payment payment = still.get();
          EventEnvelope event = PaymentEvents.initiated(payment, PaymentIds.newEventId(), clock.instant());
          handle
              .attach(OutboxDao.class)
              .insert(
                  event.id(),
                  event.type().wireName(),
                  payment.id(),
                  payment.correlationId(),
                  json(event));
          return true;
        });
  }

  private String json(EventEnvelope event) {
    try {
      return mapper.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the event", e);
    }
  }
}
