package io.durapay.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.dropwizard.auth.Authenticator;
import io.dropwizard.auth.CachingAuthenticator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The remembered keys: how long a valid one is not looked up again, and what is never remembered. */
class MerchantAuthTest {
  private static final AuthenticatedMerchant MERCHANT = new AuthenticatedMerchant("mer_1", "Shop", null);

  private final AtomicLong nanos = new AtomicLong();
  private final Ticker ticker = nanos::get;
  private final List<String> lookups = new ArrayList<>();
  private final Authenticator<String, AuthenticatedMerchant> database = key -> {
    lookups.add(key);
    return key.equals("good") ? Optional.of(MERCHANT) : Optional.empty();
  };

  @Test
  void aValidKeyIsLookedUpOncePerPeriodAndAgainOnceItIsOver() throws Exception {
    CachingAuthenticator<String, AuthenticatedMerchant> cached =
        MerchantAuth.cached(new MetricRegistry(), database, Duration.ofSeconds(5), ticker);

    assertThat(cached.authenticate("good")).contains(MERCHANT);
    nanos.addAndGet(Duration.ofMillis(4_999).toNanos());
    assertThat(cached.authenticate("good")).contains(MERCHANT);
    assertThat(lookups).containsExactly("good");

    nanos.addAndGet(Duration.ofMillis(2).toNanos());
    assertThat(cached.authenticate("good")).contains(MERCHANT);
    assertThat(lookups).containsExactly("good", "good");
  }

  @Test
  void aRefusedKeyIsLookedUpEveryTimeAndForgettingMakesTheNextLookItUp() throws Exception {
    CachingAuthenticator<String, AuthenticatedMerchant> cached =
        MerchantAuth.cached(new MetricRegistry(), database, Duration.ofSeconds(5), ticker);

    assertThat(cached.authenticate("bad")).isEmpty();
    assertThat(cached.authenticate("bad")).isEmpty();
    cached.authenticate("good");
    cached.invalidateAll();
    cached.authenticate("good");

    assertThat(lookups).containsExactly("bad", "bad", "good", "good");
  }
}
