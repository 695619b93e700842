package io.durapay.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.durapay.store.OperatorDao;
import io.durapay.store.testing.PostgresExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Console logins on real PostgreSQL, with a clock the test moves: they last eight hours, no more. */
class OperatorSessionsTest {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  /** A clock that stands still until the test moves it. */
  private static final class MovableClock extends Clock {
    private Instant now = Instant.parse("2026-12-03T09:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final MovableClock clock = new MovableClock();
  private final OperatorSessions sessions =
      new OperatorSessions(POSTGRES.jdbi().onDemand(OperatorDao.class), clock, Duration.ofHours(8));

  @Test
  void aLoginLastsEightHours() {
    OperatorSessions.Started started = sessions.start("alice");

    clock.advance(Duration.ofHours(8).minusSeconds(1));
    assertThat(sessions.find(started.token())).hasValueSatisfying(s -> assertThat(s.operator()).isEqualTo("alice"));

    clock.advance(Duration.ofSeconds(1));
    assertThat(sessions.find(started.token())).isEmpty();
  }

  @Test
  void onlyTheTokensHashIsKept() {
    OperatorSessions.Started started = sessions.start("bob");

    long withToken = POSTGRES.jdbi().withHandle(h -> h.createQuery(
            "SELECT count(*) FROM operator_sessions WHERE encode(token_hash, 'escape') LIKE :token")
        .bind("token", "%" + started.token() + "%").mapTo(Long.class).one());
    assertThat(withToken).isZero();
    assertThat(sessions.find(started.token())).isPresent();
    assertThat(sessions.find(started.token() + "x")).isEmpty();
  }

  @Test
  void eachSessionHasItsOwnCsrfToken() {
    var first = sessions.start("carol").session();
    var second = sessions.start("carol").session();

    assertThat(first.csrfToken()).isNotEqualTo(second.csrfToken());
    assertThat(OperatorSessions.csrfMatches(first, first.csrfToken())).isTrue();
    assertThat(OperatorSessions.csrfMatches(first, second.csrfToken())).isFalse();
    assertThat(OperatorSessions.csrfMatches(first, null)).isFalse();
  }

  @Test
  void loggingOutEndsTheSessionAtOnce() {
    OperatorSessions.Started started = sessions.start("dave");

    sessions.end(started.token());

    assertThat(sessions.find(started.token())).isEmpty();
  }
}
