package io.durapay.store;

import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

@RegisterConstructorMapper(WebhookDelivery.class)
public interface WebhookDeliveryDao {

  @SqlUpdate("""
      INSERT INTO webhook_deliveries (event_id, payment_id, merchant_id, event_type, attempt, url,
                                      status_code, outcome, error)
      VALUES (:eventId, :paymentId, :merchantId, :eventType, :attempt, :url, :statusCode, :outcome,
              :error)
      """)
  void record(
      @Bind("eventId") String eventId,
      @Bind("paymentId") String paymentId,
      @Bind("merchantId") String merchantId,
      @Bind("eventType") String eventType,
      @Bind("attempt") int attempt,
      @Bind("url") String url,
      @Bind("statusCode") Integer statusCode,
      @Bind("outcome") String outcome,
      @Bind("error") String error);

  /** The number the event's next attempt is recorded under: one past its last. */
  @SqlQuery("SELECT coalesce(max(attempt), 0) + 1 FROM webhook_deliveries WHERE event_id = :eventId")
  int nextAttempt(@Bind("eventId") String eventId);

  /** Whether any attempt delivered the event. */
  @SqlQuery("SELECT EXISTS (SELECT 1 FROM webhook_deliveries WHERE event_id = :eventId AND outcome = 'delivered')")
  boolean delivered(@Bind("eventId") String eventId);

  @SqlQuery("SELECT * FROM webhook_deliveries WHERE event_id = :eventId ORDER BY id")
  List<WebhookDelivery> forEvent(@Bind("eventId") String eventId);

  @SqlQuery("SELECT * FROM webhook_deliveries WHERE payment_id = :paymentId ORDER BY id")
  List<WebhookDelivery> forPayment(@Bind("paymentId") String paymentId);
}
