package io.durapay.api.auth;

import io.dropwizard.auth.Authenticator;
import io.durapay.store.MerchantDao;
import java.util.Optional;

/** Finds the merchant by the key's public id, then checks the secret against the stored hash. */
public final class MerchantAuthenticator implements Authenticator<String, AuthenticatedMerchant> {
  private final MerchantDao merchants;

  public MerchantAuthenticator(MerchantDao merchants) {
    this.merchants = merchants;
  }

  @Override
  public Optional<AuthenticatedMerchant> authenticate(String bearerToken) {
    return ApiKeys.parse(bearerToken)
        .flatMap(
            presented ->
                merchants
                    .findByApiKeyId(presented.id())
                    .filter(merchant -> ApiKeys.matches(presented, merchant.apiKeyHash())))
        .map(m -> new AuthenticatedMerchant(m.id(), m.name(), m.maxAmount()));
  }
}
