package io.durapay.worker.resolver;

import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentWorkflow;
import io.durapay.contracts.WorkflowStarter;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The unknown-outcome resolver (Kill Bill calls its own the Janitor): a sweep for payments whose
 * charge the system has not settled, left {@code processing} with nothing moving them. A payment
 * whose workflow still runs is that workflow's (it is waiting on the gateway: an intent still
 * processing, a refund pending); one whose workflow is gone (terminated, timed out, its history
 * lost) is handed to a new run of its workflow, which settles it with the gateway the way every
 * run does: it finds the intent by the id on the payment's row and completes the payment if it
 * charged, or compensates it (refund or cancel) if it did not. The resolver itself never charges,
 * refunds or moves a payment, so it cannot disagree with a workflow; two workers sweeping at once
 * start one run, because a payment's workflow id is unique while it runs.
 *
 * <p>What it saw is kept for the health check and the metrics: payments unresolved past the alert
 * threshold, and payments that failed with their refund failed (money that may still be held,
 * which needs a person).
 */
public final class UnknownOutcomeResolver implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(UnknownOutcomeResolver.class);

  /** What one sweep did and saw. */
  public record Sweep(
      int examined, List<String> restarted, int ownedByWorkflow, long unresolvedPastAlert, long refundFailed,
      String stoppedBy) {}

  private final Jdbi jdbi;
  private final WorkflowClient temporal;
  private final String taskQueue;
  private final Duration idleAfter;
  private final Duration alertAfter;
  private final int batchSize;
  private volatile Sweep last;

  public UnknownOutcomeResolver(
      Jdbi jdbi, WorkflowClient temporal, String taskQueue, Duration idleAfter, Duration alertAfter, int batchSize) {
    this.jdbi = jdbi;
    this.temporal = temporal;
    this.taskQueue = taskQueue;
    this.idleAfter = idleAfter;
    this.alertAfter = alertAfter;
    this.batchSize = batchSize;
  }

  public static UnknownOutcomeResolver from(ResolverFactory settings, Jdbi jdbi, WorkflowClient temporal, String taskQueue) {
    return new UnknownOutcomeResolver(jdbi, temporal, taskQueue, settings.getIdleAfter().toJavaDuration(),
        settings.getAlertAfter().toJavaDuration(), settings.getBatchSize());
  }

  /** The scheduled sweep: never throws, or the executor would stop scheduling it. */
  @Override
  public void run() {
    try {
      Sweep sweep = sweepOnce();
      if (!sweep.restarted().isEmpty() || sweep.unresolvedPastAlert() > 0 || sweep.stoppedBy() != null) {
        LOG.warn("unknown-outcome resolver: {}", sweep);
      }
    } catch (RuntimeException e) {
      LOG.warn("unknown-outcome resolver sweep failed; the next one tries again: {}", e.toString());
    }
  }

  /** One sweep; synchronized so that a scheduled and a manual one never overlap. */
  public synchronized Sweep sweepOnce() {
    PaymentDao payments = jdbi.onDemand(PaymentDao.class);
    List<Payment> idle = payments.findProcessingIdle(idleAfter.toMillis(), batchSize);
    List<String> restarted = new ArrayList<>();
    int owned = 0;
    String stoppedBy = null;
    for (Payment payment : idle) {
      try {
        if (restart(payment)) {
          restarted.add(payment.id());
        } else {
          owned++;
        }
      } catch (RuntimeException e) {
        stoppedBy = "Temporal: " + e.getMessage();
        LOG.warn("unknown-outcome resolver: cannot start a workflow for {}; left for the next sweep: {}",
            payment.id(), e.toString());
        break;
      }
    }
    Sweep sweep = new Sweep(idle.size(), restarted, owned,
        payments.countProcessingIdle(alertAfter.toMillis()), payments.countRefundFailed(), stoppedBy);
    last = sweep;
    return sweep;
  }

  /** True when a new run took the payment up; false when its workflow is running. */
  private boolean restart(Payment payment) {
    PaymentRequest request = new PaymentRequest(
        payment.id(), payment.merchantId(), payment.amount(), payment.currency(), payment.correlationId());
    PaymentWorkflow workflow = temporal.newWorkflowStub(PaymentWorkflow.class,
        WorkflowStarter.options(request, taskQueue).toBuilder()
            // A closed run may be followed by another: this payment is not final.
            .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
            .build());
    try {
      WorkflowClient.start(workflow::process, request);
      LOG.warn("unknown-outcome resolver: payment {} was processing with no workflow; a new run settles it",
          payment.id());
      return true;
    } catch (WorkflowExecutionAlreadyStarted e) {
      return false;
    }
  }

  /** The last sweep, or null before the first. */
  public Sweep last() {
    return last;
  }

  public Duration alertAfter() {
    return alertAfter;
  }
}
