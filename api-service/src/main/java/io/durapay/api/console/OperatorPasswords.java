package io.durapay.api.console;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Operator passwords, kept only as a salted PBKDF2-HMAC-SHA256 hash in the form
 * {@code pbkdf2-sha256:<iterations>:<salt>:<hash>} (salt and hash in base64). No {@code $} in it, so
 * the hash can be given through the configuration's {@code ${…}} substitution as it is.
 */
public final class OperatorPasswords {
  static final String SCHEME = "pbkdf2-sha256";
  /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256: a login costs a fraction of a second here. */
  static final int ITERATIONS = 600_000;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;
  private static final SecureRandom RANDOM = new SecureRandom();

  private OperatorPasswords() {}

  /** The stored form of {@code password}, with a fresh salt. */
  public static String hash(String password) {
    return hash(password, ITERATIONS);
  }

  /** With fewer iterations, for tests that hash many passwords. */
  static String hash(String password, int iterations) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return format(iterations, salt, derive(password, salt, iterations));
  }

  /**
   * Whether {@code password} is the one {@code stored} was made from; the comparison takes the
   * same time wherever the two differ.
   */
  public static boolean matches(String password, Hash stored) {
    return MessageDigest.isEqual(derive(password, stored.salt, stored.iterations), stored.hash);
  }

  /** A parsed stored hash. */
  public record Hash(int iterations, byte[] salt, byte[] hash) {}

  /** Reads a stored hash; a malformed one is refused with a message that does not repeat it. */
  public static Hash parse(String stored) {
    String[] parts = stored == null ? new String[0] : stored.split(":", -1);
    if (parts.length != 4 || !parts[0].equals(SCHEME)) {
      throw new IllegalArgumentException(
          "a password hash must read " + SCHEME + ":<iterations>:<salt>:<hash> (make one with `hash-operator-password`)");
    }
    int iterations;
    byte[] salt;
    byte[] hash;
    try {
      iterations = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a password hash's iterations must be a number");
    }
    try {
      salt = Base64.getDecoder().decode(parts[2]);
      hash = Base64.getDecoder().decode(parts[3]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a password hash's salt and hash must be base64");
    }
    if (iterations < 10_000 || salt.length < 8 || hash.length != HASH_BITS / 8) {
      throw new IllegalArgumentException(
          "a password hash needs at least 10000 iterations, 8 bytes of salt and a 32-byte hash");
    }
    return new Hash(iterations, salt, hash);
  }

  static String format(int iterations, byte[] salt, byte[] hash) {
    Base64.Encoder base64 = Base64.getEncoder();
    return SCHEME + ":" + iterations + ":" + base64.encodeToString(salt) + ":" + base64.encodeToString(hash);
  }

  private static byte[] derive(String password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every Java 17", e);
    } finally {
      spec.clearPassword();
    }
  }
}
