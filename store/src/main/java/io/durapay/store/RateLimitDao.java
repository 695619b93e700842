package io.durapay.store;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** Token buckets per API key in one table, so that every API instance draws on the same budget. */
@RegisterConstructorMapper(RateLimitDao.Grant.class)
public interface RateLimitDao {

  /** What a take got: {@code granted} tokens (0 when none was there), and {@code tokens} left after it. */
  record Grant(int granted, double tokens) {}

  /**
   * Refills the key's bucket for the time since its last refill ({@code perSecond}, at most {@code
   * burst}) and takes up to {@code want} whole tokens from it, in one statement (a new key starts
   * full). Every expression of the update reads the row as it was. {@code now()} is when the
   * transaction began, which may be before the last refill of a take that held the row first: no
   * time runs backwards here (an elapsed time below zero counts as none).
   */
  @SqlQuery("""
      INSERT INTO rate_limit_buckets AS b (key, tokens, granted, refilled_at)
      VALUES (:key, :burst - least(:want, :burst), least(:want, :burst), now())
      ON CONFLICT (key) DO UPDATE SET
        granted = greatest(0, least(:want, floor(least(:burst,
            b.tokens + extract(epoch FROM greatest(now() - b.refilled_at, interval '0')) * :perSecond))))::integer,
        tokens = least(:burst, b.tokens + extract(epoch FROM greatest(now() - b.refilled_at, interval '0')) * :perSecond)
            - greatest(0, least(:want, floor(least(:burst,
                b.tokens + extract(epoch FROM greatest(now() - b.refilled_at, interval '0')) * :perSecond)))),
        refilled_at = greatest(b.refilled_at, now())
      RETURNING granted, tokens
      """)
  Grant take(@Bind("key") String key, @Bind("want") int want, @Bind("burst") int burst,
      @Bind("perSecond") double perSecond);
}
