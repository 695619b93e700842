package io.durapay.store;

import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.StatusChange;
import io.durapay.contracts.TransitionResult;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.jdbi.v3.sqlobject.transaction.Transaction;

@RegisterConstructorMapper(Payment.class)
@RegisterConstructorMapper(StatusHistoryEntry.class)
public interface PaymentDao {

  /**
   * Payments still {@code initiated} since before the threshold whose {@code payment.initiated}
   * event is neither unpublished in the outbox nor published within the threshold: the pipeline
   * has had its chance. Whether their workflow exists is for the caller to ask Temporal. A parked
   * event counts as unpublished: the destination refused it, so another copy would be refused
   * and parked too; it is the operator's to fix and re-queue.
   */
  String STRANDED = """
      SELECT p.* FROM payments p
      WHERE p.status = 'initiated'
        AND p.updated_at < now() - make_interval(secs => :olderThanMillis / 1000.0)
        AND NOT EXISTS (
          SELECT 1 FROM outbox o
          WHERE o.aggregate_id = p.id AND o.event_type = 'payment.initiated'
            AND (o.published_at IS NULL
                 OR o.published_at > now() - make_interval(secs => :olderThanMillis / 1000.0)))
      """;

  /**
   * Inserts a new payment in status {@code initiated} and records that first status, in one
   * statement (one round trip, where an insert, a history insert and a read back were three);
   * returns the payment as stored.
   */
  @SqlQuery("""
      WITH created AS (
        INSERT INTO payments (id, merchant_id, amount, currency, payment_method, description, metadata,
                              status, correlation_id)
        VALUES (:id, :merchantId, :amount, :currency, :paymentMethod, :description,
                CAST(:metadata AS jsonb), 'initiated', :correlationId)
        RETURNING *),
      first_status AS (
        INSERT INTO payment_status_history (payment_id, from_status, to_status, cause)
        SELECT id, NULL, status, 'payment created' FROM created)
      SELECT * FROM created
      """)
  Payment create(@BindMethods Payment payment);

  @SqlQuery("SELECT * FROM payments WHERE id = :id")
  Optional<Payment> findById(@Bind("id") String id);

  /** A payment as its merchant sees it: another merchant's payment is simply not there. */
  @SqlQuery("SELECT * FROM payments WHERE id = :id AND merchant_id = :merchantId")
  Optional<Payment> findByIdForMerchant(@Bind("id") String id, @Bind("merchantId") String merchantId);

  /**
   * One page of a merchant's payments, newest first. Ids sort by creation time, so the id of the
   * last payment of a page is the cursor for the next. Pass {@code status} or {@code startingAfter}
   * as null to leave them out.
   */
  @SqlQuery("""
      SELECT * FROM payments
      WHERE merchant_id = :merchantId
        AND (CAST(:status AS text) IS NULL OR status = :status)
        AND (CAST(:startingAfter AS text) IS NULL OR id < :startingAfter)
      ORDER BY id DESC
      LIMIT :limit
      """)
  List<Payment> list(
      @Bind("merchantId") String merchantId,
      @Bind("status") PaymentStatus status,
      @Bind("startingAfter") String startingAfter,
      @Bind("limit") int limit);

  /**
   * Moves a payment forward. The UPDATE only matches when the current status is one of the
   * target's allowed predecessors, so an illegal or repeated change updates nothing; the result
   * says whether it was applied and what the status is now. Empty when the payment does not exist.
   */
  @Transaction
  default Optional<TransitionResult> transition(StatusChange change) {
    Optional<PaymentStatus> from = lockStatus(change.paymentId());
    if (from.isEmpty()) {
      return Optional.empty();
    }
    List<String> allowed =
        change.to().allowedPredecessors().stream().map(PaymentStatus::wireName).toList();
    if (allowed.isEmpty() || updateStatus(change, allowed) == 0) {
      return Optional.of(new TransitionResult(false, from.get()));
    }
    insertHistory(change.paymentId(), from.get(), change.to(), change.cause(), change.workflowRunId());
    return Optional.of(new TransitionResult(true, change.to()));
  }

  /**
   * Payments still {@code processing} that nothing has moved for at least {@code idleMillis},
   * oldest first: a charge whose outcome the system has not settled (its workflow is waiting on
   * the gateway, or is gone).
   */
  @SqlQuery("""
      SELECT * FROM payments
      WHERE status = 'processing' AND updated_at < now() - make_interval(secs => :idleMillis / 1000.0)
      ORDER BY updated_at LIMIT :limit
      """)
  List<Payment> findProcessingIdle(@Bind("idleMillis") long idleMillis, @Bind("limit") int limit);

  /** How many payments are still {@code processing} after {@code idleMillis} without a move. */
  @SqlQuery("""
      SELECT count(*) FROM payments
      WHERE status = 'processing' AND updated_at < now() - make_interval(secs => :idleMillis / 1000.0)
      """)
  long countProcessingIdle(@Bind("idleMillis") long idleMillis);

  /** How many payments failed with their refund failed: money that may still be held. */
  @SqlQuery("SELECT count(*) FROM payments WHERE status = 'failed' AND failure_code = 'refund_failed'")
  long countRefundFailed();

  /** The oldest stranded payments (see {@link #STRANDED}). */
  @SqlQuery(STRANDED + " ORDER BY p.updated_at, p.id LIMIT :limit")
  List<Payment> findStranded(@Bind("olderThanMillis") long olderThanMillis, @Bind("limit") int limit);

  /**
   * The next stranded payments after ({@code afterAt}, {@code afterId}) in the same order: a
   * reconciler walks past those it looked at last time instead of taking them again.
   */
  @SqlQuery(STRANDED + " AND (p.updated_at, p.id) > (:afterAt, :afterId) ORDER BY p.updated_at, p.id LIMIT :limit")
  List<Payment> findStrandedAfter(
      @Bind("olderThanMillis") long olderThanMillis, @Bind("afterAt") java.time.Instant afterAt,
      @Bind("afterId") String afterId, @Bind("limit") int limit);

  /** The payment when it is still stranded; lock it first to decide for it alone. */
  @SqlQuery(STRANDED + " AND p.id = :id")
  Optional<Payment> findStrandedById(
      @Bind("id") String id, @Bind("olderThanMillis") long olderThanMillis);

  @SqlQuery("SELECT status FROM payments WHERE id = :id FOR UPDATE")
  Optional<PaymentStatus> lockStatus(@Bind("id") String id);

  @SqlUpdate("""
      UPDATE payments
      SET status = :to,
          failure_code = COALESCE(:failureCode, failure_code),
          failure_message = COALESCE(:failureMessage, failure_message),
          gateway_reference = COALESCE(:gatewayReference, gateway_reference),
          updated_at = now()
      WHERE id = :paymentId AND status IN (<allowed>)
      """)
  int updateStatus(@BindMethods StatusChange change, @BindList("allowed") List<String> allowed);

  @SqlUpdate("""
      INSERT INTO payment_status_history (payment_id, from_status, to_status, cause, workflow_run_id)
      VALUES (:paymentId, :from, :to, :cause, :workflowRunId)
      """)
  void insertHistory(
      @Bind("paymentId") String paymentId,
      @Bind("from") PaymentStatus from,
      @Bind("to") PaymentStatus to,
      @Bind("cause") String cause,
      @Bind("workflowRunId") String workflowRunId);

  /** Keeps the gateway's reference of the payment's charge as soon as it is made. */
  @SqlUpdate("UPDATE payments SET gateway_reference = :reference, updated_at = now() WHERE id = :id")
  void recordGatewayReference(@Bind("id") String id, @Bind("reference") String reference);

  /** Records the route and worker build that just moved the payment (and its last history row). */
  @SqlUpdate("""
      WITH moved AS (
        UPDATE payments SET task_queue = :taskQueue, worker_build = :build WHERE id = :paymentId
        RETURNING id)
      UPDATE payment_status_history SET worker_build = :build
      WHERE id = (SELECT max(id) FROM payment_status_history WHERE payment_id = :paymentId)
      """)
  void recordWorker(
      @Bind("paymentId") String paymentId,
      @Bind("taskQueue") String taskQueue,
      @Bind("build") String build);

  @SqlQuery("SELECT * FROM payment_status_history WHERE payment_id = :paymentId ORDER BY id")
  List<StatusHistoryEntry> history(@Bind("paymentId") String paymentId);
}
