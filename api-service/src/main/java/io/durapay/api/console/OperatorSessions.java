package io.durapay.api.console;

import io.durapay.store.OperatorDao;
import io.durapay.store.OperatorSession;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Console logins. The cookie carries a random token; the database keeps only its SHA-256, with the
 * operator, the session's CSRF token and its expiry (kept in the database so every API instance
 * knows every session). Time is the injected clock's.
 */
public final class OperatorSessions {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final OperatorDao dao;
  private final Clock clock;
  private final Duration ttl;

  public OperatorSessions(OperatorDao dao, Clock clock, Duration ttl) {
    this.dao = dao;
    this.clock = clock;
    this.ttl = ttl;
  }

  /** A new session: the token for the cookie (shown to no one else) and the session itself. */
  public record Started(String token, OperatorSession session) {}

  public Started start(String operator) {
    Instant now = clock.instant();
    String token = randomToken();
    OperatorSession session = new OperatorSession(operator, randomToken(), now, now.plus(ttl));
    dao.deleteExpiredSessions(now);
    dao.createSession(sha256(token), operator, session.csrfToken(), session.createdAt(), session.expiresAt());
    return new Started(token, session);
  }

  /** The live session of a cookie's token; empty when unknown or expired. */
  public Optional<OperatorSession> find(String token) {
    if (token == null || token.isEmpty() || token.length() > 100) {
      return Optional.empty();
    }
    return dao.findSession(sha256(token), clock.instant());
  }

  public void end(String token) {
    if (token != null && token.length() <= 100) {
      dao.deleteSession(sha256(token));
    }
  }

  public Duration ttl() {
    return ttl;
  }

  /** Whether a form's CSRF token is the session's, compared in constant time. */
  public static boolean csrfMatches(OperatorSession session, String given) {
    return given != null
        && MessageDigest.isEqual(
            session.csrfToken().getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }

  private static String randomToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java", e);
    }
  }
}
