package io.durapay.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

@RegisterConstructorMapper(OutboxEvent.class)
public interface OutboxDao {

  @SqlUpdate("""
      INSERT INTO outbox (event_id, event_type, aggregate_id, correlation_id, payload)
      VALUES (:eventId, :eventType, :aggregateId, :correlationId, :payload)
      """)
  void insert(
      @Bind("eventId") String eventId,
      @Bind("eventType") String eventType,
      @Bind("aggregateId") String aggregateId,
      @Bind("correlationId") String correlationId,
      @Bind("payload") String payload);

  /**
   * Locks up to {@code limit} unpublished events for the calling transaction: those tried least
   * first, then oldest first, so one event the destination keeps refusing sorts behind new ones
   * and never holds them back. Rows another relay holds are skipped, so several relays never
   * publish the same batch at once.
   */
  @SqlQuery("""
      SELECT * FROM outbox WHERE published_at IS NULL
      ORDER BY attempts, id
      LIMIT :limit
      FOR UPDATE SKIP LOCKED
      """)
  List<OutboxEvent> lockPending(@Bind("limit") int limit);

  @SqlUpdate("""
      UPDATE outbox SET published_at = now(), attempts = attempts + 1, last_error = NULL
      WHERE id IN (<ids>)
      """)
  int markPublished(@BindList("ids") List<Long> ids);

  @SqlUpdate("UPDATE outbox SET attempts = attempts + 1, last_error = :error WHERE id = :id")
  void recordFailure(@Bind("id") long id, @Bind("error") String error);

  @SqlQuery("SELECT count(*) FROM outbox WHERE published_at IS NULL")
  long countPending();

  /** How long the oldest unpublished event has been waiting; empty when none is. */
  @SqlQuery("""
      SELECT CAST(extract(epoch FROM now() - min(created_at)) * 1000 AS bigint)
      FROM outbox WHERE published_at IS NULL
      """)
  Optional<Long> oldestPendingAgeMillis();

  default Optional<Duration> oldestPendingAge() {
    return oldestPendingAgeMillis().map(Duration::ofMillis);
  }

  @SqlQuery("SELECT * FROM outbox WHERE aggregate_id = :aggregateId ORDER BY id")
  List<OutboxEvent> findByAggregateId(@Bind("aggregateId") String aggregateId);
}
