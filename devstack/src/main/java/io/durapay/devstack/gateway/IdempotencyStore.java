package io.durapay.devstack.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Stripe's idempotency layer: the first answer under a key is kept and repeated for every later
 * request with that key, for {@link #KEY_LIFETIME}; after that the key is forgotten and a request
 * with it is a new request. Not thread-safe; {@link GatewayLedger} guards it.
 */
final class IdempotencyStore {

  /** Stripe prunes a key once it is at least 24 hours old. */
  static final Duration KEY_LIFETIME = Duration.ofHours(24);

  /** {@code readyAt} is null for an answer that was ready at once. */
  private record Stored(String fingerprint, GatewayAnswer answer, Instant storedAt, Instant readyAt) {
    boolean expiredAt(Instant now) {
      return !now.isBefore(storedAt.plus(KEY_LIFETIME));
    }
  }

  private final Map<String, Stored> byKey = new HashMap<>();
  private int rememberedSincePrune;

  /**
   * The answer for a request whose key was used before: the stored answer, or an error when the
   * parameters differ or the first request is still being worked on. Empty for a new key.
   */
  Optional<GatewayAnswer> replay(String key, String fingerprint, Instant now) {
    Stored stored = byKey.get(key);
    if (stored != null && stored.expiredAt(now)) {
      byKey.remove(key);
      stored = null;
    }
    if (stored == null) {
      return Optional.empty();
    }
    if (!stored.fingerprint().equals(fingerprint)) {
      return Optional.of(
          GatewayAnswer.error(
              400,
              "idempotency_error",
              null,
              null,
              "Keys for idempotent requests can only be used with the same parameters they were"
                  + " first used with. Try using a key other than '"
                  + key
                  + "' if you meant to execute a different request."));
    }
    if (stored.readyAt() != null && now.isBefore(stored.readyAt())) {
      return Optional.of(
          GatewayAnswer.invalidRequest(
              409,
              "idempotency_key_in_use",
              "There is currently another in-progress request using this Idempotent Key."
                  + " Please try again later."));
    }
    return Optional.of(stored.answer().asReplay());
  }

  /**
   * Keeps the answer if Stripe would: only once the endpoint started executing, that is for a
   * result (a success or a decline) or an error the endpoint itself ran into (a 500 it began), not
   * for a validation error or an outage in front of it.
   */
  void remember(String key, String fingerprint, GatewayAnswer answer, Instant now) {
    if (answer.status() == 200 || answer.status() == 402 || answer.keptOnError()) {
      // An answer that took no work time is ready at once, whatever instant a later request
      // carries (the ledger now reads the clock under its lock; a clock that steps back must not
      // turn a finished request into one "in progress" either).
      Instant readyAt = answer.delay().isZero() ? null : now.plus(answer.delay());
      byKey.put(key, new Stored(fingerprint, answer, now, readyAt));
      if (++rememberedSincePrune >= 1024) {
        rememberedSincePrune = 0;
        byKey.values().removeIf(old -> old.expiredAt(now));
      }
    }
  }
}
