package io.durapay.api.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * API keys look like {@code dp_<id>.<secret>}. The id is public and finds the merchant; only the
 * SHA-256 of the secret is stored, and the secret is checked against it in constant time. The
 * secret has 256 random bits, so a plain hash (no salt, no stretching) is enough.
 */
public final class ApiKeys {
  private static final String PREFIX = "dp_";
  private static final Pattern SHAPE = Pattern.compile("dp_([0-9a-f]{16})\\.([A-Za-z0-9_-]{43})");
  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeys() {}

  /** A freshly issued key: show {@code key} once, store {@code id} and {@code hash}. */
  public record IssuedKey(String id, String key, byte[] hash) {
    @Override
    public String toString() {
      return "IssuedKey[id=" + id + "]";
    }
  }

  /** The two halves of a presented key. */
  public record PresentedKey(String id, String secret) {
    @Override
    public String toString() {
      return "PresentedKey[id=" + id + "]";
    }
  }

  public static IssuedKey issue() {
    byte[] idBytes = new byte[8];
    byte[] secretBytes = new byte[32];
    RANDOM.nextBytes(idBytes);
    RANDOM.nextBytes(secretBytes);
    String id = HexFormat.of().formatHex(idBytes);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    return new IssuedKey(id, PREFIX + id + "." + secret, hash(secret));
  }

  /** Splits a presented key; empty when it does not have the shape of one of ours. */
  public static Optional<PresentedKey> parse(String key) {
    if (key == null) {
      return Optional.empty();
    }
    var matcher = SHAPE.matcher(key);
    return matcher.matches()
        ? Optional.of(new PresentedKey(matcher.group(1), matcher.group(2)))
        : Optional.empty();
  }

  /** True when the secret hashes to the stored hash; the comparison takes the same time either way. */
  public static boolean matches(PresentedKey presented, byte[] storedHash) {
    return MessageDigest.isEqual(hash(presented.secret()), storedHash);
  }

  static byte[] hash(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
