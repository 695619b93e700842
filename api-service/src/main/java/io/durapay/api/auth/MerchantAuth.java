package io.durapay.api.auth;

import io.dropwizard.auth.AuthDynamicFeature;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.auth.oauth.OAuthCredentialAuthFilter;
import io.dropwizard.jersey.setup.JerseyEnvironment;
import io.durapay.store.MerchantDao;

/** Merchants authenticate with {@code Authorization: Bearer <API key>}. */
public final class MerchantAuth {
  private MerchantAuth() {}

  /** The bearer filter, its JSON 401, and {@code @Auth AuthenticatedMerchant} for resources. */
  public static void register(JerseyEnvironment jersey, MerchantDao merchants) {
    jersey.register(
        new AuthDynamicFeature(
            new OAuthCredentialAuthFilter.Builder<AuthenticatedMerchant>()
                .setAuthenticator(new MerchantAuthenticator(merchants))
                .setPrefix("Bearer")
                .setRealm("durapay")
                .setUnauthorizedHandler(new JsonUnauthorizedHandler())
                .buildAuthFilter()));
    jersey.register(new AuthValueFactoryProvider.Binder<>(AuthenticatedMerchant.class));
  }
}
