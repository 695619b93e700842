package io.durapay.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dropwizard.testing.ConfigOverride;
import io.durapay.apiclient.ApiClient.Reply;
import io.durapay.api.testing.ApiUnderTest;
import io.durapay.apiclient.ApiClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Requests per API key, over real HTTP: 429 with Retry-After, per key, and nothing changed. */
class RateLimitIT {
  private static final String BODY =
      "{\"amount\":700,\"currency\":\"USD\",\"paymentMethod\":\"pm_card_visa\"}";

  @RegisterExtension
  static final ApiUnderTest API = ApiUnderTest.of(
      ConfigOverride.config("rateLimit.requestsPerSecond", "2"),
      ConfigOverride.config("rateLimit.burst", "5"));

  private static ApiClient api;

  @BeforeAll
  static void setUp() {
    API.acceptPublishes();
    api = API.client();
  }

  @Test
  void aKeyOverItsBurstIsRefusedWith429UntilItsBucketRefills() {
    String key = newKey();
    String otherKey = newKey();

    Reply refused = untilRefused(key);

    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("Retry-After")).matches("[1-9][0-9]*");
    assertThat(refused.error("type")).isEqualTo("rate_limit_error");
    assertThat(refused.error("code")).isEqualTo("rate_limit_exceeded");
    assertThat(refused.error("message")).contains("2 requests per second", "bursts of up to 5");
    assertThat(refused.header("X-Correlation-Id")).isNotBlank();
    // Another merchant's key has its own bucket.
    assertThat(list(otherKey).status()).isEqualTo(200);
    // The bucket refills: the key works again without anyone doing anything.
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
        .until(() -> list(key).status() == 200);
  }

  @Test
  void aRefusedCreateChangesNothingAndTheSameKeySucceedsLater() {
    String key = newKey();
    untilRefused(key);

    // The bucket refills as we go, so a create may still get through: send creates until one is
    // refused, each under its own idempotency key, and look at what each one changed.
    Reply refused = null;
    String refusedIdempotencyKey = null;
    long payments = 0;
    for (int i = 0; i < 100 && refused == null; i++) {
      String idempotencyKey = UUID.randomUUID().toString();
      payments = API.postgres().count("payments");
      long records = API.postgres().count("idempotency_records");
      long events = API.postgres().count("outbox");

      Reply reply = create(key, idempotencyKey);

      long added = reply.status() == 429 ? 0 : 1;
      if (reply.status() == 429) {
        refused = reply;
        refusedIdempotencyKey = idempotencyKey;
      } else {
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
      }
      assertThat(API.postgres().count("payments")).as(reply.body()).isEqualTo(payments + added);
      assertThat(API.postgres().count("idempotency_records")).as(reply.body()).isEqualTo(records + added);
      assertThat(API.postgres().count("outbox")).as(reply.body()).isEqualTo(events + added);
    }
    assertThat(refused).as("no create refused after 100 at 2 per second with a burst of 5")
        .isNotNull();
    assertThat(refused.error("code")).isEqualTo("rate_limit_exceeded");

    String sameKey = refusedIdempotencyKey;
    Reply later = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
        .until(() -> create(key, sameKey), r -> r.status() != 429);

    assertThat(later.status()).as(later.body()).isEqualTo(201);
    assertThat(later.header("Idempotent-Replayed")).isNull();
    assertThat(API.postgres().count("payments")).isEqualTo(payments + 1);
  }

  @Test
  void requestsWithoutAValidKeyAreNotCountedAgainstAnyMerchant() {
    String key = newKey();
    String keyId = key.substring(0, key.indexOf('.'));
    List<String> invalid = new ArrayList<>(List.of(keyId, keyId + ".", "dp_nope.nope", "garbage"));
    // The merchant's real key id with a wrong secret, far more often than its burst of 5: counted
    // against the merchant, these alone would empty its bucket.
    for (int i = 0; i < 20; i++) {
      invalid.add(keyId + "." + String.format("%043d", i));
    }
    for (String bearer : invalid) {
      Reply reply = api.request("GET", "/v1/payments?limit=1").bearer(bearer).send();
      assertThat(reply.status()).as(bearer + ": " + reply.body()).isEqualTo(401);
    }

    // The merchant still gets its whole burst, back to back, and is refused only after it.
    for (int i = 0; i < 5; i++) {
      Reply reply = list(key);
      assertThat(reply.status()).as("request %d of the burst: %s", i + 1, reply.body()).isEqualTo(200);
    }
    assertThat(untilRefused(key).status()).isEqualTo(429);
  }

  private static Reply untilRefused(String key) {
    for (int i = 0; i < 100; i++) {
      Reply reply = list(key);
      if (reply.status() == 429) {
        return reply;
      }
      assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    }
    throw new AssertionError("never refused after 100 requests at 2 per second with a burst of 5");
  }

  private static Reply list(String key) {
    return api.request("GET", "/v1/payments?limit=1").bearer(key).send();
  }

  private static Reply create(String key, String idempotencyKey) {
    return api.request("POST", "/v1/payments").bearer(key)
        .header("Idempotency-Key", idempotencyKey).json(BODY).send();
  }

  private static String newKey() {
    return API.onboarding().create("Limited " + UUID.randomUUID(), null, null).apiKey();
  }
}
