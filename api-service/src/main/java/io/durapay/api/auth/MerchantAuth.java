package io.durapay.api.auth;

import com.codahale.metrics.MetricRegistry;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.dropwizard.auth.AuthDynamicFeature;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.auth.Authenticator;
import io.dropwizard.auth.CachingAuthenticator;
import io.dropwizard.auth.oauth.OAuthCredentialAuthFilter;
import io.dropwizard.jersey.setup.JerseyEnvironment;
import io.durapay.store.MerchantDao;
import java.time.Duration;

/**
 * Merchants authenticate with {@code Authorization: Bearer <API key>}. A key found valid is
 * remembered for {@code cacheFor} (a few seconds), so a merchant's requests do not each cost a
 * database lookup: the API key is checked against the stored hash once per key and period. A key
 * rotated by this instance's task is forgotten at once; one rotated elsewhere (another instance, the
 * {@code merchant} command) keeps working here for at most {@code cacheFor}. Zero turns it off.
 */
public final class MerchantAuth {
  private MerchantAuth() {}

  /**
   * The bearer filter, its JSON 401, and {@code @Auth AuthenticatedMerchant} for resources; returns
   * what forgets every remembered key (for rotations).
   */
  public static Runnable register(
      JerseyEnvironment jersey, MetricRegistry metrics, MerchantDao merchants, Duration cacheFor) {
    Authenticator<String, AuthenticatedMerchant> authenticator = new MerchantAuthenticator(merchants);
    Runnable forgetAll = () -> {};
    if (!cacheFor.isZero()) {
      CachingAuthenticator<String, AuthenticatedMerchant> cached =
          cached(metrics, authenticator, cacheFor, Ticker.systemTicker());
      authenticator = cached;
      forgetAll = cached::invalidateAll;
    }
    jersey.register(
        new AuthDynamicFeature(
            new OAuthCredentialAuthFilter.Builder<AuthenticatedMerchant>()
                .setAuthenticator(authenticator)
                .setPrefix("Bearer")
                .setRealm("durapay")
                .setUnauthorizedHandler(new JsonUnauthorizedHandler())
                .buildAuthFilter()));
    jersey.register(new AuthValueFactoryProvider.Binder<>(AuthenticatedMerchant.class));
    return forgetAll;
  }

  /**
   * Valid keys remembered for {@code cacheFor} after they were checked (at most 10 000 of them);
   * refusals are not remembered here (the authenticator has its own short memory of unknown ids).
   */
  static CachingAuthenticator<String, AuthenticatedMerchant> cached(MetricRegistry metrics,
      Authenticator<String, AuthenticatedMerchant> authenticator, Duration cacheFor, Ticker ticker) {
    return new CachingAuthenticator<>(metrics, authenticator,
        Caffeine.newBuilder().expireAfterWrite(cacheFor).maximumSize(10_000).ticker(ticker));
  }
}
