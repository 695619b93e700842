package io.durapay.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.durapay.store.Merchant;
import io.durapay.store.MerchantDao;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 20, item 13: well-formed keys with made-up ids, sent without authentication, each cost a
 * database lookup, and no rate limit counts them (limits are per merchant). An unknown id is now
 * remembered for a while. A pure unit test of the authenticator: the store is a stand-in that
 * counts lookups (the real lookup is covered by the API's tests against PostgreSQL). Failed on the
 * previous authenticator, which looked every one up.
 */
class MerchantAuthenticatorTest {
  private final AtomicInteger lookups = new AtomicInteger();
  private Merchant existing;
  private final MerchantDao store = (MerchantDao) Proxy.newProxyInstance(
      MerchantDao.class.getClassLoader(), new Class<?>[] {MerchantDao.class}, (proxy, method, args) -> {
        if (!method.getName().equals("findByApiKeyId")) {
          throw new UnsupportedOperationException(method.getName());
        }
        lookups.incrementAndGet();
        return existing != null && existing.apiKeyId().equals(args[0]) ? Optional.of(existing) : Optional.empty();
      });
  private Instant now = Instant.parse("2026-12-02T06:00:00Z");
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };

  @Test
  void anUnknownKeyIdIsLookedUpOnceAWhileNotOnEveryRequest() {
    MerchantAuthenticator authenticator = new MerchantAuthenticator(store, clock);
    String madeUp = ApiKeys.issue().key();

    for (int i = 0; i < 100; i++) {
      assertThat(authenticator.authenticate(madeUp)).isEmpty();
    }
    assertThat(lookups).hasValue(1);

    now = now.plus(MerchantAuthenticator.UNKNOWN_FOR);
    assertThat(authenticator.authenticate(madeUp)).isEmpty();
    assertThat(lookups).as("looked up again once the memory expired").hasValue(2);
  }

  @Test
  void aRealKeyStillAuthenticatesEveryTime() {
    ApiKeys.IssuedKey issued = ApiKeys.issue();
    existing = new Merchant("mer_1", "Shop", issued.id(), issued.hash(), null, "whsec_x", null, null, null, null);
    MerchantAuthenticator authenticator = new MerchantAuthenticator(store, clock);

    assertThat(authenticator.authenticate(issued.key())).map(AuthenticatedMerchant::id).contains("mer_1");
    assertThat(authenticator.authenticate(issued.key())).map(AuthenticatedMerchant::id).contains("mer_1");
    assertThat(authenticator.authenticate(issued.key().substring(0, issued.key().length() - 2) + "xx")).isEmpty();
  }

  @Test
  void theMemoryOfUnknownIdsIsBounded() {
    MerchantAuthenticator authenticator = new MerchantAuthenticator(store, clock);
    String first = ApiKeys.issue().key();
    authenticator.authenticate(first);
    for (int i = 0; i < MerchantAuthenticator.MAX_UNKNOWN; i++) {
      authenticator.authenticate(ApiKeys.issue().key());
    }
    int before = lookups.get();

    authenticator.authenticate(first);

    assertThat(lookups.get()).as("the oldest id was forgotten").isEqualTo(before + 1);
  }
}
