package io.durapay.devstack.webhooks;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.durapay.worker.webhook.WebhookSigner;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Checks a Standard Webhooks v1 signature the way a merchant's library does: the timestamp within
 * five minutes of now, and one of the space-separated signatures equal to our own HMAC of
 * {@code id.timestamp.body}.
 */
final class SignatureVerifier {

  private static final Duration TOLERANCE = Duration.ofMinutes(5);

  private SignatureVerifier() {}

  /** Why the message is not authentic, or empty when it is. */
  static Optional<String> problem(
      String secret, String id, String timestamp, String signatures, String body, Instant now) {
    if (id == null || timestamp == null || signatures == null) {
      return Optional.of("missing webhook-id, webhook-timestamp or webhook-signature header");
    }
    // At most twelve digits, so that the distance to now cannot overflow.
    if (!timestamp.matches("\\d{1,12}")) {
      return Optional.of("webhook-timestamp is not a number of seconds");
    }
    long seconds = Long.parseLong(timestamp);
    // Both ways: a timestamp from the future is as suspect as an old one replayed.
    if (Math.abs(now.getEpochSecond() - seconds) > TOLERANCE.toSeconds()) {
      return Optional.of("webhook-timestamp is more than five minutes from now");
    }
    byte[] expected = WebhookSigner.sign(secret, id, seconds, body).getBytes(UTF_8);
    for (String candidate : signatures.trim().split(" +")) {
      // Constant time, so a forger learns nothing from how long a wrong guess takes.
      if (MessageDigest.isEqual(expected, candidate.getBytes(UTF_8))) {
        return Optional.empty();
      }
    }
    return Optional.of("no webhook-signature matches the endpoint's secret");
  }
}
