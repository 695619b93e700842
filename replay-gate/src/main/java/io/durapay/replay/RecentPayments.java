package io.durapay.replay;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** Which payments to check: the recent ones in the payments table. */
interface RecentPayments {

  /**
   * Ids of the payments created since {@code since}, newest first. With a task queue, the payments
   * a worker on that queue moved, and those no worker has moved yet (their route is unknown until
   * then, so the caller filters them by the queue their history was started on).
   */
  @SqlQuery("""
      SELECT id FROM payments
      WHERE created_at >= :since
        AND (CAST(:taskQueue AS text) IS NULL OR task_queue = :taskQueue OR task_queue IS NULL)
      ORDER BY created_at DESC, id DESC
      LIMIT :limit
      """)
  List<String> ids(
      @Bind("since") Instant since, @Bind("taskQueue") String taskQueue, @Bind("limit") int limit);
}
