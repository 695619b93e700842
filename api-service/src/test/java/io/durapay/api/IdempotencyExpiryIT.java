package io.durapay.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dropwizard.testing.ConfigOverride;
import io.durapay.api.idempotency.IdempotencyPurger;
import io.durapay.api.merchants.NewMerchantCredentials;
import io.durapay.apiclient.ApiClient.Reply;
import io.durapay.api.testing.ApiUnderTest;
import io.durapay.apiclient.ApiClient;
import io.durapay.store.IdempotencyDao;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Idempotency records expire: after the TTL the same key is a fresh key (as at Stripe), and
 * expired records are purged. The TTL is shortened to seconds; the scheduled purge is left at
 * its test value (an hour) so that expiry and purging can be observed apart.
 */
class IdempotencyExpiryIT {
  private static final Duration TTL = Duration.ofSeconds(3);

  @RegisterExtension
  static final ApiUnderTest API = ApiUnderTest.of(
      ConfigOverride.config("payments.idempotencyTtl", TTL.toMillis() + "ms"),
      ConfigOverride.config("payments.idempotencyPurgeInterval", "1h"));

  private static ApiClient api;
  private static NewMerchantCredentials merchant;
  private static IdempotencyDao records;

  @BeforeAll
  static void setUp() {
    API.acceptPublishes();
    api = API.client();
    merchant = API.onboarding().create("Expiry shop", null, null);
    records = API.postgres().jdbi().onDemand(IdempotencyDao.class);
  }

  @Test
  void afterExpiryTheSameKeyAndBodyCreateANewPayment() {
    String key = UUID.randomUUID().toString();
    Reply first = create(key, body(1500));
    Reply replay = create(key, body(1500));
    assertThat(first.status()).isEqualTo(201);
    assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(replay.body()).isEqualTo(first.body());

    awaitExpiry(key);
    Reply afterExpiry = create(key, body(1500));

    assertThat(afterExpiry.status()).isEqualTo(201);
    assertThat(afterExpiry.header("Idempotent-Replayed")).isNull();
    String firstId = id(first);
    String newId = id(afterExpiry);
    assertThat(newId).isNotEqualTo(firstId);
    assertThat(countWhere("payments", "id IN ('" + firstId + "', '" + newId + "')")).isEqualTo(2);
    assertThat(countWhere("outbox", "aggregate_id = '" + newId + "'")).isEqualTo(1);
    // The expired record was replaced, so the key now replays the new payment.
    assertThat(records.findLive(merchant.merchantId(), key).orElseThrow().paymentId())
        .isEqualTo(newId);
    Reply replayOfNew = create(key, body(1500));
    assertThat(replayOfNew.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(id(replayOfNew)).isEqualTo(newId);
  }

  @Test
  void afterExpiryTheKeyMayCarryAnotherBody() {
    String key = UUID.randomUUID().toString();
    create(key, body(700));
    assertThat(create(key, body(800)).status()).isEqualTo(422);

    awaitExpiry(key);
    Reply reused = create(key, body(800));

    assertThat(reused.status()).isEqualTo(201);
    assertThat(reused.json().get("amount").asLong()).isEqualTo(800);
  }

  @Test
  void thePurgeDeletesExpiredRecordsAndKeepsLiveOnes() {
    String expiredKey = UUID.randomUUID().toString();
    String firstId = id(create(expiredKey, body(300)));
    awaitExpiry(expiredKey);
    String liveKey = UUID.randomUUID().toString();
    String liveId = id(create(liveKey, body(400)));

    new IdempotencyPurger(records).run();

    assertThat(keysOfMerchant()).contains(liveKey).doesNotContain(expiredKey);
    assertThat(countWhere("idempotency_records", "expires_at <= now()")).isZero();
    // The payment outlives its idempotency record.
    assertThat(countWhere("payments", "id = '" + firstId + "'")).isEqualTo(1);
    assertThat(id(create(liveKey, body(400)))).isEqualTo(liveId);
    // A purged key is a fresh key.
    Reply again = create(expiredKey, body(300));
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.header("Idempotent-Replayed")).isNull();
    assertThat(id(again)).isNotEqualTo(firstId);
  }

  /** Waits, with a deadline, until the database no longer counts the key's record as live. */
  private static void awaitExpiry(String key) {
    await()
        .atMost(TTL.multipliedBy(5))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> records.findLive(merchant.merchantId(), key).isEmpty());
  }

  private static Reply create(String idempotencyKey, String json) {
    return api.request("POST", "/v1/payments")
        .bearer(merchant.apiKey())
        .header("Idempotency-Key", idempotencyKey)
        .json(json)
        .send();
  }

  private static String body(long amount) {
    return "{\"amount\":" + amount + ",\"currency\":\"EUR\",\"paymentMethod\":\"pm_card_visa\"}";
  }

  private static String id(Reply reply) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    return reply.json().get("id").asText();
  }

  private static List<String> keysOfMerchant() {
    return API.postgres().jdbi().withHandle(h -> h.select(
            "SELECT idempotency_key FROM idempotency_records WHERE merchant_id = ?",
            merchant.merchantId())
        .mapTo(String.class).list());
  }

  private static long countWhere(String table, String condition) {
    return API.postgres().jdbi().withHandle(
        h -> h.select("SELECT count(*) FROM " + table + " WHERE " + condition)
            .mapTo(Long.class).one());
  }
}
