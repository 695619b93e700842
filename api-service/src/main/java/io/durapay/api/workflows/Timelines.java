package io.durapay.api.workflows;

import io.durapay.api.responses.Timeline;
import io.durapay.contracts.PaymentState;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import io.durapay.store.StatusHistoryEntry;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A payment's whole story as operators see it (merchants get {@link Timeline#forMerchant()}): the
 * stored status history, the workflow's history summarised, and its live state.
 *
 * <p>The live state is a query a worker must answer. It never holds a request thread for long: it
 * runs on a small bounded pool and is waited for {@code liveQueryTimeout} at most (2 s by default);
 * after that, or when the pool is full, the timeline comes without it and says so. A closed
 * workflow is not queried at all: its history says everything.
 */
public final class Timelines implements AutoCloseable {
  static final String LIVE_STATE_UNAVAILABLE =
      "The workflow's live state did not arrive in time; the stored history and the workflow's history are shown.";
  private static final Logger LOG = LoggerFactory.getLogger(Timelines.class);
  private final PaymentDao payments;
  private final PaymentWorkflows workflows;
  private final Duration liveQueryTimeout;
  private final ThreadPoolExecutor queries;

  public Timelines(PaymentDao payments, PaymentWorkflows workflows, Duration liveQueryTimeout, int poolSize) {
    this.payments = payments;
    this.workflows = workflows;
    this.liveQueryTimeout = liveQueryTimeout;
    AtomicInteger threads = new AtomicInteger();
    this.queries = new ThreadPoolExecutor(poolSize, poolSize, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(poolSize * 4), runnable -> {
          Thread thread = new Thread(runnable, "timeline-live-query-" + threads.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    queries.allowCoreThreadTimeOut(true);
  }

  /** The payment's timeline; Temporal unreachable leaves the stored part, with a note saying so. */
  public Timeline of(Payment payment) {
    var history = payments.history(payment.id()).stream().map(Timelines::statusEntry).toList();
    try {
      var runs = workflows.history(payment.id());
      if (runs.isEmpty()) {
        return new Timeline(payment.id(), payment.status().wireName(), history, null, null);
      }
      Timeline.Workflow closedOrBare =
          withBuild(TimelineSummary.of(runs.get().latest(), runs.get().runIds(), null), payment.workerBuild());
      if (!"running".equals(closedOrBare.execution())) {
        return new Timeline(payment.id(), payment.status().wireName(), history, closedOrBare, null);
      }
      PaymentState state = liveState(payment.id());
      Timeline.Workflow workflow = state == null
          ? closedOrBare
          : TimelineSummary.of(runs.get().latest(), runs.get().runIds(), state);
      return new Timeline(payment.id(), payment.status().wireName(), history, workflow,
          state == null ? LIVE_STATE_UNAVAILABLE : null);
    } catch (RuntimeException e) {
      LOG.warn("timeline of {}: workflow history unavailable: {}", payment.id(), e.toString());
      return new Timeline(payment.id(), payment.status().wireName(), history, null,
          "The workflow service is unreachable; only the stored status history is shown.");
    }
  }

  /** The live state within the timeout; null when it did not come (no worker, pool full, slow). */
  private PaymentState liveState(String paymentId) {
    Future<PaymentState> query;
    try {
      query = queries.submit(() -> workflows.state(paymentId).orElse(null));
    } catch (RejectedExecutionException full) {
      return null;
    }
    try {
      return query.get(liveQueryTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      query.cancel(true);
      return null;
    } catch (ExecutionException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Without a live state to say which build runs it, the build that last moved the payment. */
  private static Timeline.Workflow withBuild(Timeline.Workflow w, String build) {
    return w.build() != null ? w : new Timeline.Workflow(w.workflowId(), w.runId(), w.runs(), w.taskQueue(), build,
        w.execution(), w.startedAt(), w.closedAt(), w.state(), w.activities(), w.signals(), w.workers());
  }

  private static Timeline.StatusEntry statusEntry(StatusHistoryEntry entry) {
    return new Timeline.StatusEntry(
        entry.fromStatus() == null ? null : entry.fromStatus().wireName(),
        entry.toStatus().wireName(),
        entry.cause(),
        entry.workflowRunId(),
        entry.changedAt());
  }

  @Override
  public void close() {
    queries.shutdownNow();
  }
}
