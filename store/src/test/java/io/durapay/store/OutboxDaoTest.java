package io.durapay.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.durapay.store.testing.PostgresExtension;
import java.time.Duration;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OutboxDaoTest {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  private OutboxDao outbox;

  @BeforeEach
  void setUp() {
    POSTGRES.jdbi().useHandle(h -> h.execute("DELETE FROM outbox"));
    outbox = POSTGRES.jdbi().onDemand(OutboxDao.class);
  }

  @Test
  void locksPendingEventsOldestFirstUpToTheLimit() {
    insert("evt_1", "evt_2", "evt_3");

    List<OutboxEvent> batch = lockPending(2);

    assertThat(batch).extracting(OutboxEvent::eventId).containsExactly("evt_1", "evt_2");
    OutboxEvent first = batch.get(0);
    assertThat(first.eventType()).isEqualTo("payment.initiated");
    assertThat(first.aggregateId()).isEqualTo("pay_evt_1");
    assertThat(first.correlationId()).isEqualTo("corr-evt_1");
    assertThat(first.payload()).isEqualTo("{\"id\":\"evt_1\"}");
    assertThat(first.createdAt()).isNotNull();
    assertThat(first.publishedAt()).isNull();
    assertThat(first.attempts()).isZero();
    assertThat(first.lastError()).isNull();
    assertThat(lockPending(10)).extracting(OutboxEvent::eventId)
        .containsExactly("evt_1", "evt_2", "evt_3");
  }

  /**
   * Issue 20, item 12: least-tried-first alone starved an event retried through an outage, since
   * new events kept arriving ahead of it under sustained load. After a few attempts its age decides:
   * the old event goes first again, while one tried once or twice still waits behind fresh ones.
   * (Failed on the previous order, which put the fresh events first.)
   */
  @Test
  void anEventTriedAFewTimesGoesByItsAgeAheadOfNewOnes() {
    insert("evt_outage", "evt_refused_once", "evt_new_1", "evt_new_2");
    POSTGRES.jdbi().useHandle(h -> {
      h.execute("UPDATE outbox SET attempts = ? WHERE event_id = 'evt_outage'", OutboxDao.AGE_WINS_AFTER + 4);
      h.execute("UPDATE outbox SET attempts = 1 WHERE event_id = 'evt_refused_once'");
    });

    assertThat(lockPending(10)).extracting(OutboxEvent::eventId)
        .containsExactly("evt_outage", "evt_new_1", "evt_new_2", "evt_refused_once");
  }

  @Test
  void anEventIdIsStoredOnce() {
    insert("evt_once");

    assertThatThrownBy(() -> insert("evt_once"))
        .isInstanceOf(UnableToExecuteStatementException.class)
        .hasMessageContaining("outbox_event_id_key");
    assertThat(outbox.countPending()).isEqualTo(1);
  }

  @Test
  void rowsLockedByOneRelayAreSkippedByAnotherWithoutWaiting() {
    insert("evt_a", "evt_b", "evt_c", "evt_d");
    try (Handle relay1 = POSTGRES.jdbi().open();
        Handle relay2 = POSTGRES.jdbi().open()) {
      // Without SKIP LOCKED the second relay would wait for the first; fail instead of hanging.
      relay2.execute("SET lock_timeout = '2s'");
      relay1.begin();
      relay2.begin();

      List<OutboxEvent> claimed1 = relay1.attach(OutboxDao.class).lockPending(2);
      List<OutboxEvent> claimed2 = relay2.attach(OutboxDao.class).lockPending(10);

      assertThat(claimed1).extracting(OutboxEvent::eventId).containsExactly("evt_a", "evt_b");
      assertThat(claimed2).extracting(OutboxEvent::eventId).containsExactly("evt_c", "evt_d");

      relay2.rollback();
      relay1.attach(OutboxDao.class).markPublished(List.of(claimed1.get(0).id()));
      relay1.commit();

      // Once the first relay is done, what it claimed but did not publish is back in play.
      relay2.begin();
      assertThat(relay2.attach(OutboxDao.class).lockPending(10))
          .extracting(OutboxEvent::eventId)
          .containsExactly("evt_b", "evt_c", "evt_d");
      relay2.rollback();
    }
  }

  @Test
  void publishedEventsLeaveThePendingSet() {
    insert("evt_p1", "evt_p2", "evt_p3");
    List<OutboxEvent> pending = lockPending(10);

    int marked = outbox.markPublished(List.of(pending.get(0).id(), pending.get(2).id()));

    assertThat(marked).isEqualTo(2);
    assertThat(outbox.countPending()).isEqualTo(1);
    assertThat(lockPending(10)).extracting(OutboxEvent::eventId).containsExactly("evt_p2");
    OutboxEvent published = outbox.findByAggregateId("pay_evt_p1").get(0);
    assertThat(published.publishedAt()).isNotNull();
    assertThat(published.attempts()).isEqualTo(1);
  }

  @Test
  void aFailureCountsTheAttemptKeepsTheErrorAndLeavesTheEventPending() {
    insert("evt_f");
    long id = lockPending(1).get(0).id();

    outbox.recordFailure(id, "SNS: 500 InternalError");
    outbox.recordFailure(id, "SNS: connect timed out");

    OutboxEvent failed = outbox.findByAggregateId("pay_evt_f").get(0);
    assertThat(failed.attempts()).isEqualTo(2);
    assertThat(failed.lastError()).isEqualTo("SNS: connect timed out");
    assertThat(failed.publishedAt()).isNull();
    assertThat(outbox.countPending()).isEqualTo(1);

    outbox.markPublished(List.of(id));

    OutboxEvent published = outbox.findByAggregateId("pay_evt_f").get(0);
    assertThat(published.attempts()).isEqualTo(3);
    assertThat(published.lastError()).isNull();
    assertThat(outbox.countPending()).isZero();
  }

  @Test
  void theOldestPendingEventsAgeIsReportedAndNothingWhenNoneIsPending() {
    assertThat(outbox.countPending()).isZero();
    assertThat(outbox.oldestPendingAge()).isEmpty();

    insert("evt_old", "evt_new");
    POSTGRES.jdbi().useHandle(h -> h.execute(
        "UPDATE outbox SET created_at = now() - interval '90 seconds' WHERE event_id = 'evt_old'"));

    assertThat(outbox.countPending()).isEqualTo(2);
    assertThat(outbox.oldestPendingAge().orElseThrow())
        .isBetween(Duration.ofSeconds(90), Duration.ofSeconds(120));

    outbox.markPublished(List.of(outbox.findByAggregateId("pay_evt_old").get(0).id()));

    assertThat(outbox.countPending()).isEqualTo(1);
    assertThat(outbox.oldestPendingAge().orElseThrow()).isLessThan(Duration.ofSeconds(30));

    outbox.markPublished(List.of(outbox.findByAggregateId("pay_evt_new").get(0).id()));

    assertThat(outbox.countPending()).isZero();
    assertThat(outbox.oldestPendingAge()).isEmpty();
  }

  @Test
  void anEventRefusedUpToTheCapIsParkedUntilAnOperatorRequeuesIt() {
    insert("evt_poison", "evt_other");
    long id = outbox.findByAggregateId("pay_evt_poison").get(0).id();

    assertThat(outbox.recordRefusal(id, "InvalidParameter", 3)).isFalse();
    assertThat(outbox.recordRefusal(id, "InvalidParameter", 3)).isFalse();
    assertThat(outbox.recordRefusal(id, "InvalidParameter: too big", 3)).isTrue();

    OutboxEvent parked = outbox.listParked(10).get(0);
    assertThat(parked.eventId()).isEqualTo("evt_poison");
    assertThat(parked.parkedAt()).isNotNull();
    assertThat(parked.attempts()).isEqualTo(3);
    assertThat(parked.lastError()).isEqualTo("InvalidParameter: too big");
    assertThat(outbox.countParked()).isEqualTo(1);
    assertThat(outbox.countPending()).isEqualTo(1);
    assertThat(lockPending(10)).extracting(OutboxEvent::eventId).containsExactly("evt_other");

    assertThat(outbox.requeueParked("evt_unknown")).isZero();
    assertThat(outbox.requeueParked(null)).isEqualTo(1);

    assertThat(outbox.countParked()).isZero();
    assertThat(lockPending(10)).extracting(OutboxEvent::eventId)
        .containsExactly("evt_poison", "evt_other");
    assertThat(outbox.findByAggregateId("pay_evt_poison").get(0).attempts()).isZero();
    assertThat(outbox.findByAggregateId("pay_evt_poison").get(0).refusals()).isZero();
  }

  @Test
  void triesLostToAnOutageNeverCountTowardParking() {
    insert("evt_unlucky");
    long id = outbox.findByAggregateId("pay_evt_unlucky").get(0).id();
    for (int i = 0; i < 5; i++) {
      outbox.recordFailure(id, "InternalError: SNS is down");
    }

    assertThat(outbox.recordRefusal(id, "InvalidParameter", 3)).isFalse();

    OutboxEvent refusedOnce = outbox.findByAggregateId("pay_evt_unlucky").get(0);
    assertThat(refusedOnce.parkedAt()).isNull();
    assertThat(refusedOnce.attempts()).isEqualTo(6);
    assertThat(refusedOnce.refusals()).isEqualTo(1);
    assertThat(outbox.countParked()).isZero();
    assertThat(lockPending(10)).extracting(OutboxEvent::eventId).containsExactly("evt_unlucky");

    assertThat(outbox.recordRefusal(id, "InvalidParameter", 3)).isFalse();
    assertThat(outbox.recordRefusal(id, "InvalidParameter", 3)).isTrue();
    assertThat(outbox.countParked()).isEqualTo(1);

    // Re-queued, it gets the full count of refusals again.
    assertThat(outbox.requeueParked("evt_unlucky")).isEqualTo(1);
    assertThat(outbox.findByAggregateId("pay_evt_unlucky").get(0).refusals()).isZero();
    assertThat(outbox.recordRefusal(id, "InvalidParameter", 3)).isFalse();
    assertThat(outbox.countParked()).isZero();
  }

  private void insert(String... eventIds) {
    for (String eventId : eventIds) {
      outbox.insert(eventId, "payment.initiated", "pay_" + eventId, "corr-" + eventId,
          "{\"id\":\"" + eventId + "\"}");
    }
  }

  /** lockPending in a transaction of its own, the way a relay calls it. */
  private static List<OutboxEvent> lockPending(int limit) {
    return POSTGRES.jdbi().inTransaction(h -> h.attach(OutboxDao.class).lockPending(limit));
  }
}
