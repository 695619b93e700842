package io.durapay.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.durapay.store.testing.PostgresExtension;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shared token bucket's one statement, on real PostgreSQL, with takes that overlap. */
class RateLimitDaoTest {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  private final RateLimitDao buckets = POSTGRES.jdbi().onDemand(RateLimitDao.class);

  @Test
  void aNewKeyStartsFullAndTakesAtMostWhatIsThere() {
    String key = UUID.randomUUID().toString();

    assertThat(buckets.take(key, 4, 10, 1)).isEqualTo(new RateLimitDao.Grant(4, 6));
    RateLimitDao.Grant rest = buckets.take(key, 10, 10, 1);

    assertThat(rest.granted()).isBetween(6, 7); // 6 left, and at most one refilled meanwhile
    assertThat(rest.tokens()).isLessThan(1);
  }

  /**
   * A take whose transaction began before another take refilled the row: {@code now()} is then
   * earlier than the row's {@code refilled_at}. Counted as elapsed time, that is negative: the
   * bucket would lose tokens it has, go below zero, and its refill time would move backwards.
   */
  @Test
  void aTakeThatBeganBeforeTheLastRefillGetsNothingFromAnEmptyBucketAndMovesNoTimeBack() {
    String key = UUID.randomUUID().toString();
    try (Handle late = POSTGRES.jdbi().open()) {
      late.begin();
      OffsetDateTime began = late.select("SELECT now()").mapTo(OffsetDateTime.class).one();
      // Another instance empties the bucket in a transaction of its own, begun later.
      assertThat(buckets.take(key, 5, 5, 0.001).granted()).isEqualTo(5);
      OffsetDateTime refilled = refilledAt(key);
      assertThat(refilled).as("the other take's transaction began later").isAfter(began);

      RateLimitDao.Grant grant = late.attach(RateLimitDao.class).take(key, 1, 5, 0.001);
      late.commit();

      assertThat(grant.granted()).as("nothing is there to take").isZero();
      assertThat(grant.tokens()).as("a bucket never goes below empty").isGreaterThanOrEqualTo(0);
      assertThat(refilledAt(key)).as("the refill time does not move back").isEqualTo(refilled);
    }
  }

  private static OffsetDateTime refilledAt(String key) {
    return POSTGRES.jdbi().withHandle(h -> h.select("SELECT refilled_at FROM rate_limit_buckets WHERE key = ?", key)
        .mapTo(OffsetDateTime.class).one());
  }
}
