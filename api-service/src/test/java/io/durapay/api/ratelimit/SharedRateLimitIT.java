package io.durapay.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.durapay.api.DurapayConfiguration;
import io.durapay.apiclient.ApiClient.Reply;
import io.durapay.api.testing.TestApp;
import io.durapay.apiclient.ApiClient;
import io.durapay.store.testing.PostgresExtension;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two API instances on one database share each key's budget: a key sending to both in turn is
 * refused once the one bucket is empty, not after a bucket in each; every answer says where the key
 * stands in the IETF RateLimit headers.
 */
class SharedRateLimitIT {
  private static final int BURST = 10;
  private static final int PER_SECOND = 1;

  @RegisterExtension
  @Order(0)
  static final WireMockExtension SNS = TestApp.sns();

  @RegisterExtension
  @Order(1)
  static final PostgresExtension POSTGRES = new PostgresExtension();

  @RegisterExtension
  @Order(2)
  static final DropwizardAppExtension<DurapayConfiguration> ONE = instance();

  @RegisterExtension
  @Order(3)
  static final DropwizardAppExtension<DurapayConfiguration> TWO = instance();

  private static List<ApiClient> instances;

  private static DropwizardAppExtension<DurapayConfiguration> instance() {
    return TestApp.app(POSTGRES, SNS,
        ConfigOverride.config("rateLimit.requestsPerSecond", String.valueOf(PER_SECOND)),
        ConfigOverride.config("rateLimit.burst", String.valueOf(BURST)));
  }

  @BeforeAll
  static void setUp() {
    TestApp.acceptPublishes(SNS);
    instances = List.of(new ApiClient(ONE.getLocalPort()), new ApiClient(TWO.getLocalPort()));
  }

  @Test
  void aKeySendingToTwoInstancesGetsOneBudgetNotOneEach() {
    String key = TestApp.onboarding(POSTGRES).create("Shared " + UUID.randomUUID(), null, null).apiKey();

    long started = System.nanoTime();
    int allowed = 0;
    Reply refused = null;
    for (int i = 0; i < 4 * BURST && refused == null; i++) {
      Reply reply = instances.get(i % 2).request("GET", "/v1/payments?limit=1").bearer(key).send();
      if (reply.status() == 429) {
        refused = reply;
      } else {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.header("RateLimit-Policy")).isEqualTo("\"per-key\";q=" + BURST + ";w=" + BURST / PER_SECOND);
        assertThat(reply.header("RateLimit")).matches("\"per-key\";r=\\d+;t=\\d+");
        allowed++;
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;

    assertThat(refused).as("never refused").isNotNull();
    // The one bucket, and what it refilled while the loop ran; a bucket per instance would have
    // let 2 × BURST through.
    assertThat(allowed).isLessThanOrEqualTo(BURST + (int) Math.ceil(seconds * PER_SECOND));
    assertThat(refused.header("Retry-After")).matches("[1-9][0-9]*");
    assertThat(refused.header("RateLimit")).isEqualTo("\"per-key\";r=0;t=" + refused.header("Retry-After"));
  }
}
