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

  /** After this many attempts an event's age decides its place, whatever its count. */
  int AGE_WINS_AFTER = 3;

  /**
   * Locks up to {@code limit} unpublished events for the calling transaction: those tried once or
   * twice sort behind the rest, so one event the destination keeps refusing never holds new ones
   * back until it is parked; all others, fresh or tried {@value #AGE_WINS_AFTER} times and more
   * (an outage's retries), go oldest first, so under sustained load a retried event is not starved
   * by the new ones arriving ahead of it. Rows another relay holds are skipped, so several relays
   * never publish the same batch at once.
   */
  @SqlQuery("""
      SELECT * FROM outbox WHERE published_at IS NULL AND parked_at IS NULL
      ORDER BY CASE WHEN attempts >= 3 THEN 0 ELSE attempts END, id -- 3: AGE_WINS_AFTER
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

  /**
   * Records a refusal of the event itself (not an outage of the destination) and parks the event
   * when this was refusal {@code maxAttempts} or later. Only refusals count toward parking: the
   * attempts an outage cost are counted apart. Returns whether it is now parked.
   */
  @SqlQuery("""
      UPDATE outbox SET attempts = attempts + 1, refusals = refusals + 1, last_error = :error,
                        parked_at = CASE WHEN refusals + 1 >= :maxAttempts THEN now() END
      WHERE id = :id
      RETURNING parked_at IS NOT NULL
      """)
  boolean recordRefusal(
      @Bind("id") long id, @Bind("error") String error, @Bind("maxAttempts") int maxAttempts);

  /** Events waiting to be published (parked ones not included). */
  @SqlQuery("SELECT count(*) FROM outbox WHERE published_at IS NULL AND parked_at IS NULL")
  long countPending();

  @SqlQuery("SELECT count(*) FROM outbox WHERE parked_at IS NOT NULL")
  long countParked();

  /** Parked events, oldest first, for an operator to look at. */
  @SqlQuery("SELECT * FROM outbox WHERE parked_at IS NOT NULL ORDER BY id LIMIT :limit")
  List<OutboxEvent> listParked(@Bind("limit") int limit);

  /**
   * Puts parked events back in line with a fresh count of attempts and refusals: all of them, or
   * only the one with {@code eventId} when it is not null. Returns how many were re-queued.
   */
  @SqlUpdate("""
      UPDATE outbox SET parked_at = NULL, attempts = 0, refusals = 0
      WHERE parked_at IS NOT NULL AND (CAST(:eventId AS text) IS NULL OR event_id = :eventId)
      """)
  int requeueParked(@Bind("eventId") String eventId);

  /** How long the oldest unpublished, unparked event has been waiting; empty when none is. */
  @SqlQuery("""
      SELECT CAST(extract(epoch FROM now() - min(created_at)) * 1000 AS bigint)
      FROM outbox WHERE published_at IS NULL AND parked_at IS NULL
      """)
  Optional<Long> oldestPendingAgeMillis();

  default Optional<Duration> oldestPendingAge() {
    return oldestPendingAgeMillis().map(Duration::ofMillis);
  }

  /** The event with this id: a list of one, or empty. */
  @SqlQuery("SELECT * FROM outbox WHERE event_id = :eventId")
  List<OutboxEvent> findByEventId(@Bind("eventId") String eventId);

  @SqlQuery("SELECT * FROM outbox WHERE aggregate_id = :aggregateId ORDER BY id")
  List<OutboxEvent> findByAggregateId(@Bind("aggregateId") String aggregateId);
}
