package io.durapay.api.ratelimit;

import io.durapay.store.RateLimitDao;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token buckets kept in PostgreSQL ({@code rate_limit_buckets}), so that every API instance
 * draws on one budget per key. To spare a round trip per request, an instance takes up to {@code
 * chunk} tokens at once and spends them itself for at most a second: a key gets its budget across
 * all instances, less the tokens an instance took and did not spend in time (never more). A key
 * refused is refused here until the bucket can hold a token again, without asking. When the
 * database cannot be asked, this instance's own buckets decide for the next 5 s, so a database
 * hiccup refuses no more than a single instance's limit would and adds no wait to each request.
 */
public final class SharedTokenBuckets implements RateLimiter {
  private static final Logger LOG = LoggerFactory.getLogger(SharedTokenBuckets.class);
  private static final long LEASE_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** After the database failed to answer, how long this instance's own buckets decide without asking. */
  private static final long DATABASE_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final RateLimitDao dao;
  private final TokenBuckets fallback;
  private final int chunk;
  private final LongSupplier nanoTime;
  // Keys are authenticated merchants, so the map grows only with the number of merchants.
  private final ConcurrentMap<String, Lease> leases = new ConcurrentHashMap<>();
  private volatile long databaseFailedAt = Long.MIN_VALUE / 2;

  public SharedTokenBuckets(RateLimitDao dao, int perSecond, int burst) {
    this(dao, new TokenBuckets(perSecond, burst), System::nanoTime);
  }

  SharedTokenBuckets(RateLimitDao dao, TokenBuckets fallback, LongSupplier nanoTime) {
    this.dao = dao;
    this.fallback = fallback;
    // A tenth of a second's worth, so that unspent leases cost a key little of its budget.
    this.chunk = Math.max(1, Math.min(fallback.burst(), fallback.perSecond() / 10));
    this.nanoTime = nanoTime;
  }

  @Override
  public Decision take(String key) {
    if (nanoTime.getAsLong() - databaseFailedAt < DATABASE_PAUSE_NANOS) {
      return fallback.take(key);
    }
    Lease lease = leases.computeIfAbsent(key, k -> new Lease());
    synchronized (lease) {
      long now = nanoTime.getAsLong();
      if (lease.tokens > 0 && now - lease.takenAt < LEASE_NANOS) {
        lease.tokens--;
        return new Decision(0, lease.tokens + lease.leftInBucket);
      }
      // Refused until a token can be there: a flood of refused requests does not reach the database.
      if (now < lease.refusedUntil) {
        return new Decision(Math.max(1, (long) Math.ceil((lease.refusedUntil - now) / 1e9)), 0);
      }
      RateLimitDao.Grant grant;
      try {
        grant = dao.take(key, chunk, fallback.burst(), fallback.perSecond());
      } catch (RuntimeException e) {
        databaseFailedAt = now;
        LOG.warn("the shared rate limit could not be read; this instance's own limit decides for {} s: {}",
            TimeUnit.NANOSECONDS.toSeconds(DATABASE_PAUSE_NANOS), e.toString());
        return fallback.take(key);
      }
      if (grant.granted() <= 0) {
        double seconds = (1 - grant.tokens()) / fallback.perSecond();
        lease.tokens = 0;
        lease.refusedUntil = now + (long) (seconds * 1e9);
        return new Decision(Math.max(1, (long) Math.ceil(seconds)), 0);
      }
      lease.tokens = grant.granted() - 1;
      lease.takenAt = now;
      lease.leftInBucket = (long) grant.tokens();
      return new Decision(0, lease.tokens + lease.leftInBucket);
    }
  }

  @Override
  public int perSecond() {
    return fallback.perSecond();
  }

  @Override
  public int burst() {
    return fallback.burst();
  }

  /** Tokens this instance took from the shared bucket and has not spent yet. */
  private static final class Lease {
    private int tokens;
    private long takenAt;
    private long leftInBucket;
    /** Before this the shared bucket cannot hold a token for the key (it said so). */
    private long refusedUntil = Long.MIN_VALUE / 2;
  }
}
