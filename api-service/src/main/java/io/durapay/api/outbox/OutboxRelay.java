package io.durapay.api.outbox;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.dropwizard.lifecycle.Managed;
import io.durapay.store.OutboxDao;
import io.durapay.store.OutboxEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes outbox events. Each batch is locked with {@code FOR UPDATE SKIP LOCKED}, handed to the
 * publisher (which sends it in as few calls as the destination allows) and what was accepted is
 * marked published in the same transaction, so several relays (one per API instance)
 * never publish one batch twice between them. An event is marked only after the publisher
 * accepted it: a crash in between publishes it again later (consumers deduplicate on the event
 * id), never zero times. While publishing fails the relay backs off exponentially, up to a cap,
 * and every event stays in the outbox. An event the destination refuses as such (not an outage)
 * is parked after {@code maxAttempts} refusals (tries lost to an outage do not count): kept for an
 * operator, no longer tried.
 */
public final class OutboxRelay implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
  private static final int MAX_ERROR_LENGTH = 1000;

  /** What one pass did. */
  public record BatchResult(int locked, int published, Exception failure) {}

  private final Jdbi jdbi;
  private final EventPublisher publisher;
  private final int batchSize;
  private final Duration pollInterval;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final int maxAttempts;
  private final Meter publishedMeter;
  private final Meter parkedMeter;
  private final Meter failureMeter;
  private final BlockingQueue<Boolean> wakeUps = new ArrayBlockingQueue<>(1);

  private volatile boolean running;
  private volatile int consecutiveFailures;
  private Thread thread;

  public OutboxRelay(
      Jdbi jdbi,
      EventPublisher publisher,
      OutboxFactory settings,
      MetricRegistry metrics) {
    this.jdbi = jdbi;
    this.publisher = publisher;
    this.batchSize = settings.getBatchSize();
    this.pollInterval = settings.getPollInterval().toJavaDuration();
    this.initialBackoff = settings.getInitialBackoff().toJavaDuration();
    this.maxBackoff = settings.getMaxBackoff().toJavaDuration();
    this.maxAttempts = settings.getMaxAttempts();
    this.publishedMeter = metrics.meter("outbox.published");
    this.parkedMeter = metrics.meter("outbox.parked-events");
    this.failureMeter = metrics.meter("outbox.publish-failures");
  }

  @Override
  public synchronized void start() {
    running = true;
    thread = new Thread(this::loop, "outbox-relay");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public synchronized void stop() throws InterruptedException {
    running = false;
    wakeUp();
    if (thread != null) {
      thread.interrupt();
      thread.join(TimeUnit.SECONDS.toMillis(10));
    }
  }

  /**
   * Asks for a pass now rather than at the next poll, after a new event was committed. Ignored
   * while backing off, so a busy API does not hammer a destination that is down.
   */
  public void wakeUp() {
    if (consecutiveFailures == 0) {
      wakeUps.offer(Boolean.TRUE);
    }
  }

  /** One pass: lock a batch, publish it, mark what was accepted, record what was not. */
  public BatchResult relayOnce() {
    return jdbi.inTransaction(
        handle -> {
          OutboxDao outbox = handle.attach(OutboxDao.class);
          List<OutboxEvent> batch = outbox.lockPending(batchSize);
          if (batch.isEmpty()) {
            return new BatchResult(0, 0, null);
          }
          List<Long> published = new ArrayList<>(batch.size());
          Exception failure = null;
          for (PublishOutcome outcome : publisher.publishAll(batch)) {
            if (outcome.published()) {
              published.add(outcome.event().id());
              continue;
            }
            if (outcome.refused()) {
              park(outbox, outcome.event(), outcome.failure());
            } else {
              outbox.recordFailure(outcome.event().id(), truncate(outcome.failure().getMessage()));
            }
            if (failure == null) {
              failure = outcome.failure();
            }
          }
          if (!published.isEmpty()) {
            outbox.markPublished(published);
          }
          return new BatchResult(batch.size(), published.size(), failure);
        });
  }

  private void park(OutboxDao outbox, OutboxEvent event, PublishException refusal) {
    if (outbox.recordRefusal(event.id(), truncate(refusal.getMessage()), maxAttempts)) {
      parkedMeter.mark();
      LOG.error(
          "outbox event {} ({} of {}) parked after the destination refused it {} times; it needs"
              + " an operator (then POST /tasks/requeue-parked-outbox-events): {}",
          event.eventId(),
          event.eventType(),
          event.aggregateId(),
          event.refusals() + 1,
          refusal.getMessage());
    }
  }

  private void loop() {
    while (running) {
      Duration wait;
      try {
        BatchResult result = relayOnce();
        publishedMeter.mark(result.published());
        wait = afterBatch(result);
      } catch (RuntimeException e) {
        // The database itself failed (down, restarting): back off the same way.
        wait = afterFailure(e);
      }
      try {
        wakeUps.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private Duration afterBatch(BatchResult result) {
    if (result.failure() != null) {
      return afterFailure(result.failure());
    }
    if (consecutiveFailures > 0) {
      LOG.info("outbox relay recovered after {} failed attempts", consecutiveFailures);
      consecutiveFailures = 0;
    }
    // A full batch means more may be waiting: go again at once.
    return result.locked() == batchSize ? Duration.ZERO : pollInterval;
  }

  private Duration afterFailure(Exception e) {
    failureMeter.mark();
    consecutiveFailures++;
    Duration wait = backoff(consecutiveFailures);
    LOG.warn(
        "outbox relay: publish failed ({} in a row), retrying in {} ms: {}",
        consecutiveFailures,
        wait.toMillis(),
        e.getMessage());
    return wait;
  }

  /** initial × 2^(failures − 1), capped. */
  Duration backoff(int failures) {
    int doublings = Math.min(failures - 1, 30);
    Duration wait = initialBackoff.multipliedBy(1L << doublings);
    return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
  }

  private static String truncate(String message) {
    if (message == null) {
      return "unknown error";
    }
    return message.length() <= MAX_ERROR_LENGTH ? message : message.substring(0, MAX_ERROR_LENGTH);
  }
}
