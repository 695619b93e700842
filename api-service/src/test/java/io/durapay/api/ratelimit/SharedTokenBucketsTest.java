package io.durapay.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.durapay.store.RateLimitDao;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** How an instance spends the tokens it takes from the shared bucket (the bucket itself: SharedRateLimitIT). */
class SharedTokenBucketsTest {
  private final AtomicLong now = new AtomicLong();
  private final List<Integer> asked = new ArrayList<>();
  private int inBucket = 200;
  private boolean down;

  /** A stand-in for the table: a bucket that does not refill, counting what it was asked for. */
  private final RateLimitDao table = (key, want, burst, perSecond) -> {
    if (down) {
      throw new IllegalStateException("connection refused");
    }
    asked.add(want);
    int granted = Math.min(want, inBucket);
    inBucket -= granted;
    return new RateLimitDao.Grant(granted, inBucket);
  };

  private final SharedTokenBuckets buckets = new SharedTokenBuckets(table, new TokenBuckets(100, 200, now::get), now::get);

  @Test
  void aTenthOfASecondsWorthIsTakenAtOnceAndSpentHere() {
    for (int i = 0; i < 10; i++) {
      assertThat(buckets.take("a").retryAfter()).isZero();
    }
    assertThat(asked).containsExactly(10);
    assertThat(buckets.take("a").remaining()).as("9 here and 180 in the bucket").isEqualTo(189);
    assertThat(asked).containsExactly(10, 10);
  }

  @Test
  void tokensTakenAndNotSpentWithinASecondAreNotSpentLater() {
    buckets.take("a");
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));

    buckets.take("a");

    assertThat(asked).containsExactly(10, 10);
  }

  @Test
  void anEmptyBucketRefusesWithTheSecondsUntilATokenComesAndIsNotAskedAgainBeforeThen() {
    inBucket = 0;

    RateLimiter.Decision decision = buckets.take("a");
    RateLimiter.Decision flood = buckets.take("a");
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(10)); // a token comes at 100 a second
    buckets.take("a");

    assertThat(decision.retryAfter()).isEqualTo(1);
    assertThat(decision.remaining()).isZero();
    assertThat(flood.retryAfter()).isEqualTo(1);
    assertThat(asked).as("the flood did not reach the table; the take after the wait did").hasSize(2);
  }

  @Test
  void afterTheDatabaseFailedItIsNotAskedForFiveSeconds() {
    down = true;
    buckets.take("a");
    down = false;

    buckets.take("a");
    now.addAndGet(TimeUnit.SECONDS.toNanos(5));
    buckets.take("a");

    assertThat(asked).as("asked again only after the pause").hasSize(1);
  }

  @Test
  void withoutTheDatabaseThisInstancesOwnBucketDecides() {
    down = true;
    int allowed = 0;
    while (buckets.take("a").retryAfter() == 0) {
      allowed++;
    }

    assertThat(allowed).isEqualTo(200);
  }
}
