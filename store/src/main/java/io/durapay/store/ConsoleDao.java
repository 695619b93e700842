package io.durapay.store;

import io.durapay.contracts.PaymentStatus;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** What the operator console reads across merchants: search, and the figures of its health page. */
@RegisterConstructorMapper(Payment.class)
@RegisterConstructorMapper(ConsoleDao.Count.class)
public interface ConsoleDao {

  /**
   * What an operator searches payments by; a null field is left out. {@code createdFrom} is
   * inclusive, {@code createdTo} exclusive; {@code before} is the id the page starts after (ids
   * sort by creation time, so newest first is id descending).
   */
  record PaymentSearch(
      String id,
      String merchantId,
      PaymentStatus status,
      Instant createdFrom,
      Instant createdTo,
      Long minAmount,
      Long maxAmount,
      String before,
      int limit) {}

  @SqlQuery("""
      SELECT * FROM payments
      WHERE (CAST(:id AS text) IS NULL OR id = :id)
        AND (CAST(:merchantId AS text) IS NULL OR merchant_id = :merchantId)
        AND (CAST(:status AS text) IS NULL OR status = :status)
        AND (CAST(:createdFrom AS timestamptz) IS NULL OR created_at >= :createdFrom)
        AND (CAST(:createdTo AS timestamptz) IS NULL OR created_at < :createdTo)
        AND (CAST(:minAmount AS bigint) IS NULL OR amount >= :minAmount)
        AND (CAST(:maxAmount AS bigint) IS NULL OR amount <= :maxAmount)
        AND (CAST(:before AS text) IS NULL OR id < :before)
      ORDER BY id DESC
      LIMIT :limit
      """)
  List<Payment> search(@BindMethods PaymentSearch search);

  /** A figure under a name: a status, a build, a webhook outcome. */
  record Count(String name, long count) {}

  /** Payments created since {@code since}, by their status now. */
  @SqlQuery("""
      SELECT status AS name, count(*) AS count FROM payments
      WHERE created_at >= :since GROUP BY status ORDER BY status
      """)
  List<Count> paymentsByStatusSince(@Bind("since") Instant since);

  /** Payments not final yet, by the worker build that last moved them ("none": none has yet). */
  @SqlQuery("""
      SELECT COALESCE(worker_build, 'none') AS name, count(*) AS count FROM payments
      WHERE status IN ('initiated', 'processing') GROUP BY 1 ORDER BY 1
      """)
  List<Count> inFlightByBuild();

  /** Webhook delivery attempts since {@code since}, by outcome. */
  @SqlQuery("""
      SELECT outcome AS name, count(*) AS count FROM webhook_deliveries
      WHERE attempted_at >= :since GROUP BY outcome ORDER BY outcome
      """)
  List<Count> webhookOutcomesSince(@Bind("since") Instant since);
}
