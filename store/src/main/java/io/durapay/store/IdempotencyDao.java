package io.durapay.store;

import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

@RegisterConstructorMapper(IdempotencyRecord.class)
public interface IdempotencyDao {

  /**
   * Claims the key for the current transaction without waiting. False means another request with
   * the same key is in flight right now. The lock is released when the transaction ends.
   */
  @SqlQuery("SELECT pg_try_advisory_xact_lock(hashtextextended(:merchantId || '/' || :key, 0))")
  boolean tryLock(@Bind("merchantId") String merchantId, @Bind("key") String key);

  /** The live (unexpired) record for a key. */
  @SqlQuery("""
      SELECT * FROM idempotency_records
      WHERE merchant_id = :merchantId AND idempotency_key = :key AND expires_at > now()
      """)
  Optional<IdempotencyRecord> findLive(@Bind("merchantId") String merchantId, @Bind("key") String key);

  /**
   * Stores a record that expires {@code ttlMillis} from now, replacing an expired one for the same
   * key that was not purged yet. Expiry is computed and compared on the database's clock only.
   * The record's {@code createdAt} and {@code expiresAt} are ignored.
   */
  @SqlUpdate("""
      INSERT INTO idempotency_records (merchant_id, idempotency_key, request_hash, response_status,
                                       response_body, payment_id, expires_at)
      VALUES (:merchantId, :idempotencyKey, :requestHash, :responseStatus, :responseBody, :paymentId,
              now() + :ttlMillis * interval '1 millisecond')
      ON CONFLICT (merchant_id, idempotency_key) DO UPDATE
        SET request_hash = EXCLUDED.request_hash, response_status = EXCLUDED.response_status,
            response_body = EXCLUDED.response_body, payment_id = EXCLUDED.payment_id,
            created_at = now(), expires_at = EXCLUDED.expires_at
        WHERE idempotency_records.expires_at <= now()
      """)
  int insert(@BindMethods IdempotencyRecord record, @Bind("ttlMillis") long ttlMillis);

  /**
   * As {@link #insert}, and in the same statement queues the payment's first event in the outbox
   * (one round trip for the two inserts of a new payment's transaction). The event is queued only
   * with the record: returns 1 when both were stored, 0 when neither was.
   */
  @SqlUpdate("""
      WITH recorded AS (
        INSERT INTO idempotency_records (merchant_id, idempotency_key, request_hash, response_status,
                                         response_body, payment_id, expires_at)
        VALUES (:merchantId, :idempotencyKey, :requestHash, :responseStatus, :responseBody, :paymentId,
                now() + :ttlMillis * interval '1 millisecond')
        ON CONFLICT (merchant_id, idempotency_key) DO UPDATE
          SET request_hash = EXCLUDED.request_hash, response_status = EXCLUDED.response_status,
              response_body = EXCLUDED.response_body, payment_id = EXCLUDED.payment_id,
              created_at = now(), expires_at = EXCLUDED.expires_at
          WHERE idempotency_records.expires_at <= now()
        RETURNING payment_id)
      INSERT INTO outbox (event_id, event_type, aggregate_id, correlation_id, payload)
      SELECT :eventId, :eventType, payment_id, :correlationId, :payload FROM recorded
      """)
  int insertWithEvent(@BindMethods IdempotencyRecord record, @Bind("ttlMillis") long ttlMillis,
      @Bind("eventId") String eventId, @Bind("eventType") String eventType,
      @Bind("correlationId") String correlationId, @Bind("payload") String payload);

  @SqlUpdate("DELETE FROM idempotency_records WHERE expires_at <= now()")
  int purgeExpired();
}
