package io.durapay.store;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * Webhooks to send again, and the workers' sweep that carries them out: those an operator asked
 * for, and those the payment's workflow could not deliver, handed to the retry schedule. A request
 * is taken with a lease (its next attempt pushed a lease ahead), so a worker that dies while sending
 * leaves it to be taken again, and two workers never send it at once.
 */
@RegisterConstructorMapper(WebhookRedelivery.class)
public interface WebhookRedeliveryDao {
  /** Who asked, for the requests of the retry schedule (no operator's name has a space). */
  String RETRY_SCHEDULE = "retry schedule";

  /**
   * Asks for the event's webhook to be sent again now; false (nothing changed) when a request for
   * it is already open.
   */
  default boolean request(String eventId, String paymentId, String eventType, String requestedBy) {
    return requestAt(eventId, paymentId, eventType, requestedBy, Instant.now());
  }

  /**
   * Hands the event to the retry schedule, its first try at {@code dueAt}; false (nothing changed)
   * when a request for it is already open.
   */
  default boolean schedule(String eventId, String paymentId, String eventType, Instant dueAt) {
    return requestAt(eventId, paymentId, eventType, RETRY_SCHEDULE, dueAt);
  }

  @SqlUpdate("""
      INSERT INTO webhook_redeliveries (event_id, payment_id, event_type, requested_by, next_attempt_at)
      VALUES (:eventId, :paymentId, :eventType, :requestedBy, :dueAt)
      ON CONFLICT (event_id) WHERE finished_at IS NULL DO NOTHING
      """)
  boolean requestAt(
      @Bind("eventId") String eventId,
      @Bind("paymentId") String paymentId,
      @Bind("eventType") String eventType,
      @Bind("requestedBy") String requestedBy,
      @Bind("dueAt") Instant dueAt);

  /**
   * Asks for every event of the merchant's since {@code since} that no attempt delivered to be sent
   * again now, under its own id (those with a request open already are left as they are); returns
   * how many were asked for.
   */
  @SqlUpdate("""
      INSERT INTO webhook_redeliveries (event_id, payment_id, event_type, requested_by, next_attempt_at)
      SELECT DISTINCT ON (d.event_id) d.event_id, d.payment_id, d.event_type, :requestedBy, :now
      FROM webhook_deliveries d
      WHERE d.merchant_id = :merchantId AND d.attempted_at >= :since
        AND NOT EXISTS (SELECT 1 FROM webhook_deliveries x WHERE x.event_id = d.event_id AND x.outcome = 'delivered')
      ORDER BY d.event_id
      ON CONFLICT (event_id) WHERE finished_at IS NULL DO NOTHING
      """)
  int requestUndelivered(
      @Bind("merchantId") String merchantId,
      @Bind("since") Instant since,
      @Bind("requestedBy") String requestedBy,
      @Bind("now") Instant now);

  /**
   * Brings the event's open request forward to {@code now} when it waits for a later try (its last
   * failed) or was never tried; false (nothing changed) when none is open, it is due already, or a
   * worker holds it.
   */
  @SqlUpdate("""
      UPDATE webhook_redeliveries SET next_attempt_at = :now
      WHERE event_id = :eventId AND finished_at IS NULL AND next_attempt_at > :now
        AND (waiting OR tries = 0)
      """)
  boolean bringForward(@Bind("eventId") String eventId, @Bind("now") Instant now);

  /**
   * As {@link #bringForward} for every open request of the merchant's events since {@code since}
   * that no attempt delivered; returns how many were brought forward.
   */
  @SqlUpdate("""
      UPDATE webhook_redeliveries r SET next_attempt_at = :now
      WHERE r.finished_at IS NULL AND r.next_attempt_at > :now
        AND (r.waiting OR r.tries = 0)
        AND EXISTS (SELECT 1 FROM webhook_deliveries d
                    WHERE d.event_id = r.event_id AND d.merchant_id = :merchantId AND d.attempted_at >= :since)
        AND NOT EXISTS (SELECT 1 FROM webhook_deliveries x WHERE x.event_id = r.event_id AND x.outcome = 'delivered')
      """)
  int bringForwardUndelivered(
      @Bind("merchantId") String merchantId, @Bind("since") Instant since, @Bind("now") Instant now);

  /**
   * Takes up to {@code limit} requests due at {@code now}, each until {@code leaseUntil}, counting the
   * try. The lease is the next attempt: a take that dies is due again when it runs out. A taken
   * request is not waiting (so it is never brought forward) until its take records a failure.
   */
  @SqlQuery("""
      UPDATE webhook_redeliveries
      SET tries = tries + 1, next_attempt_at = :leaseUntil, waiting = false
      WHERE id IN (SELECT id FROM webhook_redeliveries
                   WHERE finished_at IS NULL AND next_attempt_at <= :now
                   ORDER BY next_attempt_at LIMIT :limit FOR UPDATE SKIP LOCKED)
      RETURNING *
      """)
  List<WebhookRedelivery> takeDue(
      @Bind("limit") int limit, @Bind("now") Instant now, @Bind("leaseUntil") Instant leaseUntil);

  /**
   * Schedules the next try of the request as taken at its try {@code tries}; false (nothing
   * changed) when that take is no longer the latest: its lease ran out and another worker took it.
   */
  @SqlUpdate("""
      UPDATE webhook_redeliveries SET next_attempt_at = :at, waiting = true
      WHERE id = :id AND tries = :tries AND finished_at IS NULL
      """)
  boolean retryAt(@Bind("id") long id, @Bind("tries") int tries, @Bind("at") Instant at);

  /** Finishes the request as taken at its try {@code tries}; false as for {@link #retryAt}. */
  @SqlUpdate("""
      UPDATE webhook_redeliveries SET finished_at = now(), outcome = :outcome, waiting = false
      WHERE id = :id AND tries = :tries AND finished_at IS NULL
      """)
  boolean finish(@Bind("id") long id, @Bind("tries") int tries, @Bind("outcome") String outcome);

  @SqlQuery("SELECT * FROM webhook_redeliveries WHERE payment_id = :paymentId ORDER BY id")
  List<WebhookRedelivery> forPayment(@Bind("paymentId") String paymentId);
}
