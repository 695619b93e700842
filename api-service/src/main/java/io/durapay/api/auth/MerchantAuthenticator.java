package io.durapay.api.auth;

import io.dropwizard.auth.Authenticator;
import io.durapay.store.MerchantDao;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the merchant by the key's public id, then checks the secret against the stored hash.
 *
 * <p>A key id no merchant has is remembered as unknown for {@link #UNKNOWN_FOR} (at most {@link
 * #MAX_UNKNOWN} ids, the oldest forgotten first): a client sending well-formed keys with made-up
 * ids would otherwise cost a database lookup per request, before any rate limit (which counts per
 * merchant) applies. Ids are random, so a merchant's real id is never among them unless someone
 * guessed it first, and then only for that long.
 */
public final class MerchantAuthenticator implements Authenticator<String, AuthenticatedMerchant> {
  static final Duration UNKNOWN_FOR = Duration.ofSeconds(30);
  static final int MAX_UNKNOWN = 10_000;

  private final MerchantDao merchants;
  private final Clock clock;
  private final Map<String, Instant> unknownUntil = new LinkedHashMap<>(); // guarded by itself

  public MerchantAuthenticator(MerchantDao merchants) {
    this(merchants, Clock.systemUTC());
  }

  MerchantAuthenticator(MerchantDao merchants, Clock clock) {
    this.merchants = merchants;
    this.clock = clock;
  }

  @Override
  public Optional<AuthenticatedMerchant> authenticate(String bearerToken) {
    return ApiKeys.parse(bearerToken)
        .filter(presented -> !knownUnknown(presented.id()))
        .flatMap(
            presented ->
                merchants
                    .findByApiKeyId(presented.id())
                    .or(() -> {
                      rememberUnknown(presented.id());
                      return Optional.empty();
                    })
                    .filter(merchant -> ApiKeys.matches(presented, merchant.apiKeyHash())))
        .map(m -> new AuthenticatedMerchant(m.id(), m.name(), m.maxAmount()));
  }

  private boolean knownUnknown(String keyId) {
    synchronized (unknownUntil) {
      Instant until = unknownUntil.get(keyId);
      if (until == null) {
        return false;
      }
      if (clock.instant().isBefore(until)) {
        return true;
      }
      unknownUntil.remove(keyId);
      return false;
    }
  }

  private void rememberUnknown(String keyId) {
    synchronized (unknownUntil) {
      unknownUntil.remove(keyId);
      unknownUntil.put(keyId, clock.instant().plus(UNKNOWN_FOR));
      if (unknownUntil.size() > MAX_UNKNOWN) {
        String oldest = unknownUntil.keySet().iterator().next();
        unknownUntil.remove(oldest);
      }
    }
  }
}
