package io.durapay.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketsTest {
  private final AtomicLong now = new AtomicLong();
  private final TokenBuckets buckets = new TokenBuckets(2, 3, now::get);

  @Test
  void allowsTheBurstThenOneRequestPerRefilledToken() {
    assertThat(buckets.take("a").retryAfter()).isZero();
    assertThat(buckets.take("a").retryAfter()).isZero();
    assertThat(buckets.take("a").retryAfter()).isZero();
    assertThat(buckets.take("a").retryAfter()).isEqualTo(1);

    now.addAndGet(500_000_000L);

    assertThat(buckets.take("a").retryAfter()).isZero();
    assertThat(buckets.take("a").retryAfter()).isEqualTo(1);
  }

  @Test
  void keysHaveTheirOwnBucketsAndAnIdleBucketHoldsNoMoreThanTheBurst() {
    for (int i = 0; i < 3; i++) {
      buckets.take("a").retryAfter();
    }
    assertThat(buckets.take("b").retryAfter()).isZero();

    now.addAndGet(3_600_000_000_000L);

    for (int i = 0; i < 3; i++) {
      assertThat(buckets.take("a").retryAfter()).isZero();
    }
    assertThat(buckets.take("a").retryAfter()).isEqualTo(1);
  }

  @Test
  void retryAfterIsTheWholeSecondsUntilTheNextToken() {
    TokenBuckets slow = new TokenBuckets(1, 1, now::get);
    slow.take("a").retryAfter();
    assertThat(slow.take("a").retryAfter()).isEqualTo(1);

    TokenBuckets fast = new TokenBuckets(1000, 1, now::get);
    fast.take("a").retryAfter();
    // Never 0: "Retry-After: 0" would invite a tight loop.
    assertThat(fast.take("a").retryAfter()).isEqualTo(1);
  }
}
