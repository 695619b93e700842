package io.durapay.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.durapay.contracts.PaymentStatus;
import io.durapay.store.testing.PostgresExtension;
import io.durapay.store.testing.TestMerchants;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class IdempotencyDaoTest {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  private IdempotencyDao records;
  private Merchant merchant;

  @BeforeEach
  void setUp() {
    POSTGRES.jdbi().useHandle(h -> h.execute("DELETE FROM idempotency_records"));
    records = POSTGRES.jdbi().onDemand(IdempotencyDao.class);
    merchant = TestMerchants.create(POSTGRES.jdbi());
  }

  @Test
  void aKeyHeldByOneTransactionCannotBeTakenByAnotherUntilItCommits() {
    // Two handles are two connections, so two sessions: advisory locks are re-entrant within one.
    try (Handle first = POSTGRES.jdbi().open();
        Handle second = POSTGRES.jdbi().open()) {
      first.begin();
      assertThat(first.attach(IdempotencyDao.class).tryLock(merchant.id(), "key-1")).isTrue();

      second.begin();
      IdempotencyDao other = second.attach(IdempotencyDao.class);
      assertThat(other.tryLock(merchant.id(), "key-1")).isFalse();
      // The lock is per key and per merchant, not one lock for everything.
      assertThat(other.tryLock(merchant.id(), "key-2")).isTrue();
      Merchant otherMerchant = TestMerchants.create(POSTGRES.jdbi());
      assertThat(other.tryLock(otherMerchant.id(), "key-1")).isTrue();
      second.rollback();

      first.commit();

      second.begin();
      assertThat(other.tryLock(merchant.id(), "key-1")).isTrue();
      second.commit();
    }
  }

  @Test
  void aRolledBackTransactionReleasesTheKeyToo() {
    try (Handle first = POSTGRES.jdbi().open();
        Handle second = POSTGRES.jdbi().open()) {
      first.begin();
      assertThat(first.attach(IdempotencyDao.class).tryLock(merchant.id(), "key-rb")).isTrue();
      first.rollback();

      second.begin();
      assertThat(second.attach(IdempotencyDao.class).tryLock(merchant.id(), "key-rb")).isTrue();
      second.commit();
    }
  }

  @Test
  void findLiveReturnsTheStoredResponseAndIgnoresExpiredRecords() {
    Payment payment = createPayment();
    Instant now = Instant.now();
    records.insert(record("live", "hash-live", payment.id()), Duration.ofHours(1).toMillis());
    records.insert(record("expired", "hash-expired", null), -Duration.ofMinutes(1).toMillis());

    IdempotencyRecord live = records.findLive(merchant.id(), "live").orElseThrow();
    assertThat(live.requestHash()).isEqualTo("hash-live");
    assertThat(live.responseStatus()).isEqualTo(201);
    assertThat(live.responseBody()).isEqualTo("{\"body\":\"hash-live\"}");
    assertThat(live.paymentId()).isEqualTo(payment.id());
    assertThat(live.createdAt()).isNotNull();
    assertThat(records.findLive(merchant.id(), "expired")).isEmpty();
    assertThat(records.findLive(merchant.id(), "never-used")).isEmpty();
    // Keys belong to a merchant: another merchant's identical key is a different record.
    assertThat(records.findLive(TestMerchants.create(POSTGRES.jdbi()).id(), "live")).isEmpty();
  }

  @Test
  void insertReplacesAnExpiredRecordButNeverALiveOne() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    records.insert(record("reused", "old-hash", null), -Duration.ofMinutes(1).toMillis());

    int replaced = records.insert(record("reused", "new-hash", null), Duration.ofHours(1).toMillis());

    assertThat(replaced).isEqualTo(1);
    assertThat(records.findLive(merchant.id(), "reused").orElseThrow().requestHash())
        .isEqualTo("new-hash");

    int overwritten =
        records.insert(record("reused", "third-hash", null), Duration.ofHours(2).toMillis());

    assertThat(overwritten).isZero();
    IdempotencyRecord kept = records.findLive(merchant.id(), "reused").orElseThrow();
    assertThat(kept.requestHash()).isEqualTo("new-hash");
    assertThat(kept.expiresAt()).isBetween(now.plus(Duration.ofMinutes(59)), now.plus(Duration.ofMinutes(61)));
    assertThat(POSTGRES.count("idempotency_records")).isEqualTo(1);
  }

  @Test
  void purgeDeletesExpiredRecordsOnly() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    records.insert(record("expired-long-ago", "h1", null), -Duration.ofDays(2).toMillis());
    records.insert(record("expired-just-now", "h2", null), 0);
    records.insert(record("live", "h3", null), Duration.ofSeconds(30).toMillis());

    int purged = records.purgeExpired();

    assertThat(purged).isEqualTo(2);
    assertThat(keys()).containsExactly("live");
    assertThat(records.purgeExpired()).isZero();
    assertThat(records.findLive(merchant.id(), "live")).isPresent();
  }

  private IdempotencyRecord record(String key, String hash, String paymentId) {
    return new IdempotencyRecord(
        merchant.id(), key, hash, 201, "{\"body\":\"" + hash + "\"}", paymentId, null, null);
  }

  private List<String> keys() {
    return POSTGRES.jdbi().withHandle(h -> h.select(
            "SELECT idempotency_key FROM idempotency_records ORDER BY idempotency_key")
        .mapTo(String.class).list());
  }

  private Payment createPayment() {
    Payment payment =
        new Payment(
            "pay_idem_" + System.nanoTime(), merchant.id(), 500, "EUR", "pm_card_visa", null, "{}",
            PaymentStatus.INITIATED, null, null, null, "corr-idem", null, null);
    POSTGRES.jdbi().useExtension(PaymentDao.class, dao -> dao.create(payment));
    return payment;
  }
}
