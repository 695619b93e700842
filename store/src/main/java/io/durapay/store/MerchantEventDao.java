package io.durapay.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** A merchant's webhook events, for {@code GET /v1/events}: its own only, newest first. */
@RegisterConstructorMapper(MerchantEvent.class)
public interface MerchantEventDao {

  /**
   * One page of the merchant's events created in [{@code createdGte}, {@code createdLt}), newest
   * first, after the cursor ({@code afterCreatedAt}, {@code afterEventId}) when it is given; {@code
   * type}, {@code createdLt} and the cursor null to leave them out.
   */
  @SqlQuery("""
      WITH events AS (
        SELECT d.event_id,
               min(d.payment_id) AS payment_id,
               min(d.event_type) AS event_type,
               min(d.attempted_at) AS created_at,
               count(*) AS attempts,
               max(d.attempted_at) AS last_attempt_at,
               (array_agg(d.outcome ORDER BY d.id DESC))[1] AS last_outcome,
               (array_agg(d.status_code ORDER BY d.id DESC))[1] AS last_status_code,
               bool_or(d.outcome = 'delivered') AS delivered
        FROM webhook_deliveries d
        WHERE d.merchant_id = :merchantId
          -- every attempt of each event with one in the window, so created_at is its first
          AND d.event_id IN (SELECT event_id FROM webhook_deliveries
                             WHERE merchant_id = :merchantId AND attempted_at >= :createdGte)
        GROUP BY d.event_id
      )
      SELECT e.*,
             NOT e.delivered AND (e.last_outcome = 'retrying' OR EXISTS (
               SELECT 1 FROM webhook_redeliveries r WHERE r.event_id = e.event_id AND r.finished_at IS NULL)) AS pending
      FROM events e
      WHERE e.created_at >= :createdGte
        AND (CAST(:createdLt AS timestamptz) IS NULL OR e.created_at < :createdLt)
        AND (CAST(:type AS text) IS NULL OR e.event_type = :type)
        AND (CAST(:afterEventId AS text) IS NULL
             OR (e.created_at, e.event_id) < (CAST(:afterCreatedAt AS timestamptz), :afterEventId))
      ORDER BY e.created_at DESC, e.event_id DESC
      LIMIT :limit
      """)
  List<MerchantEvent> page(
      @Bind("merchantId") String merchantId,
      @Bind("type") String type,
      @Bind("createdGte") Instant createdGte,
      @Bind("createdLt") Instant createdLt,
      @Bind("afterCreatedAt") Instant afterCreatedAt,
      @Bind("afterEventId") String afterEventId,
      @Bind("limit") int limit);

  /** When the merchant's event {@code eventId} was created; empty when it is not the merchant's. */
  @SqlQuery("""
      SELECT min(attempted_at) FROM webhook_deliveries
      WHERE event_id = :eventId AND merchant_id = :merchantId
      HAVING count(*) > 0
      """)
  Optional<Instant> createdAt(@Bind("merchantId") String merchantId, @Bind("eventId") String eventId);
}
