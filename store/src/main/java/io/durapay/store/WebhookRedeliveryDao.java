package io.durapay.store;

import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * Operators' requests to send a webhook again, and the workers' sweep that carries them out. A
 * request is taken with a lease (its next attempt pushed {@code leaseSeconds} ahead), so a worker
 * that dies while sending leaves it to be taken again, and two workers never send it at once.
 */
@RegisterConstructorMapper(WebhookRedelivery.class)
public interface WebhookRedeliveryDao {

  /**
   * Asks for the event's webhook to be sent again; false (nothing changed) when a request for it is
   * already open.
   */
  @SqlUpdate("""
      INSERT INTO webhook_redeliveries (event_id, payment_id, event_type, requested_by)
      VALUES (:eventId, :paymentId, :eventType, :requestedBy)
      ON CONFLICT (event_id) WHERE finished_at IS NULL DO NOTHING
      """)
  boolean request(
      @Bind("eventId") String eventId,
      @Bind("paymentId") String paymentId,
      @Bind("eventType") String eventType,
      @Bind("requestedBy") String requestedBy);

  /** Takes up to {@code limit} due requests, each for {@code leaseSeconds}, counting the try. */
  @SqlQuery("""
      UPDATE webhook_redeliveries
      SET tries = tries + 1, next_attempt_at = now() + make_interval(secs => :leaseSeconds)
      WHERE id IN (SELECT id FROM webhook_redeliveries
                   WHERE finished_at IS NULL AND next_attempt_at <= now()
                   ORDER BY next_attempt_at LIMIT :limit FOR UPDATE SKIP LOCKED)
      RETURNING *
      """)
  List<WebhookRedelivery> takeDue(@Bind("limit") int limit, @Bind("leaseSeconds") long leaseSeconds);

  @SqlUpdate("UPDATE webhook_redeliveries SET next_attempt_at = now() + make_interval(secs => :seconds) WHERE id = :id")
  void retryIn(@Bind("id") long id, @Bind("seconds") long seconds);

  @SqlUpdate("UPDATE webhook_redeliveries SET finished_at = now(), outcome = :outcome WHERE id = :id")
  void finish(@Bind("id") long id, @Bind("outcome") String outcome);

  @SqlQuery("SELECT * FROM webhook_redeliveries WHERE payment_id = :paymentId ORDER BY id")
  List<WebhookRedelivery> forPayment(@Bind("paymentId") String paymentId);
}
