package io.durapay.api.merchants;

import io.durapay.api.auth.ApiKeys;
import io.durapay.api.auth.WebhookSecrets;
import io.durapay.store.Merchant;
import io.durapay.store.MerchantDao;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Creates merchants and rotates their credentials. New keys and secrets are returned to be shown
 * once; of an API key only the hash is stored. Bad input is an {@link IllegalArgumentException}
 * whose message names the field.
 */
public final class MerchantOnboarding {
  private static final int MAX_NAME_LENGTH = 200;
  private static final int MAX_WEBHOOK_URL_LENGTH = 2048;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** How long a rotated webhook secret signs beside the new one, unless configured otherwise. */
  public static final Duration DEFAULT_SECRET_OVERLAP = Duration.ofHours(24);

  private final MerchantDao merchants;
  private final Clock clock;
  private final Duration secretOverlap;

  public MerchantOnboarding(MerchantDao merchants) {
    this(merchants, Clock.systemUTC(), DEFAULT_SECRET_OVERLAP);
  }

  /** @param secretOverlap how long a rotated webhook secret goes on signing beside the new one */
  public MerchantOnboarding(MerchantDao merchants, Clock clock, Duration secretOverlap) {
    this.merchants = merchants;
    this.clock = clock;
    this.secretOverlap = secretOverlap;
  }

  /**
   * A webhook secret rotation: the new {@code secret}, and until when the old one signs beside it
   * ({@code webhook-signature} carries both), so deliveries verify with either meanwhile.
   */
  public record SecretRotation(String secret, Instant previousSignsUntil) {}

  /** Creates a merchant; {@code webhookUrl} and {@code maxAmount} (minor units) may be null. */
  public NewMerchantCredentials create(String name, String webhookUrl, Long maxAmount) {
    checkName(name);
    checkWebhookUrl(webhookUrl);
    if (maxAmount != null && maxAmount < 1) {
      throw new IllegalArgumentException("maxAmount must be at least 1 (minor units)");
    }
    String id = "mer_" + randomHex(12);
    ApiKeys.IssuedKey key = ApiKeys.issue();
    String webhookSecret = WebhookSecrets.generate();
    // Deliveries start enabled; the database sets createdAt and updatedAt.
    Instant webhookDisabledAt = null;
    merchants.insert(
        new Merchant(
            id, name, key.id(), key.hash(), webhookUrl, webhookSecret, webhookDisabledAt,
            maxAmount, null, null));
    return new NewMerchantCredentials(id, key.key(), webhookSecret);
  }

  /** Issues a new API key and returns it; the old key stops working at once. */
  public String rotateApiKey(String merchantId) {
    ApiKeys.IssuedKey key = ApiKeys.issue();
    requireMerchant(merchants.rotateApiKey(merchantId, key.id(), key.hash()), merchantId);
    return key.key();
  }

  /**
   * Generates a new webhook signing secret; the old one goes on signing beside it for the overlap,
   * so the merchant can deploy the new one without a delivery failing to verify. During an earlier
   * rotation's overlap nothing changes and that rotation is returned again (its new secret and its
   * end), so a caller who lost the answer does not lose the secret; the next rotation can start
   * when the overlap ends.
   */
  public SecretRotation rotateWebhookSecret(String merchantId) {
    String secret = WebhookSecrets.generate();
    // Twice at most: the earlier overlap may end between the refused update and the reads.
    for (int tries = 0; tries < 2; tries++) {
      Instant now = clock.instant();
      // To the microsecond, as PostgreSQL keeps it, so this answer and later reads agree.
      Instant until = now.plus(secretOverlap).truncatedTo(ChronoUnit.MICROS);
      if (merchants.rotateWebhookSecretWithOverlap(merchantId, secret, now, until)) {
        return new SecretRotation(secret, until);
      }
      Merchant merchant = merchants.findById(merchantId)
          .orElseThrow(() -> new IllegalArgumentException("no merchant " + merchantId));
      Optional<Instant> current = merchants.previousWebhookSecretUntil(merchantId, now);
      if (current.isPresent()) {
        return new SecretRotation(merchant.webhookSecret(), current.get());
      }
    }
    throw new IllegalStateException("the webhook secret of " + merchantId + " could not be rotated");
  }

  /**
   * Generates a new webhook signing secret that alone signs from now on: for a secret that leaked.
   * Deliveries fail to verify until the merchant deploys it.
   */
  public String replaceWebhookSecret(String merchantId) {
    String secret = WebhookSecrets.generate();
    requireMerchant(merchants.rotateWebhookSecret(merchantId, secret), merchantId);
    return secret;
  }

  private static void checkName(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name is required and must not be blank");
    }
    // Code points, not chars: the database's length() check counts characters the same way.
    if (name.codePointCount(0, name.length()) > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "name must be at most " + MAX_NAME_LENGTH + " characters");
    }
  }

  private static void checkWebhookUrl(String url) {
    if (url == null) {
      return;
    }
    if (url.length() > MAX_WEBHOOK_URL_LENGTH) {
      throw new IllegalArgumentException(
          "webhookUrl must be at most " + MAX_WEBHOOK_URL_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("webhookUrl is not a valid URL: " + e.getReason(), e);
    }
    String scheme = uri.getScheme();
    boolean http = "http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme);
    if (!http || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "webhookUrl must be an absolute http or https URL with a host");
    }
  }

  private static void requireMerchant(boolean found, String merchantId) {
    if (!found) {
      throw new IllegalArgumentException("no merchant " + merchantId);
    }
  }

  private static String randomHex(int bytes) {
    byte[] random = new byte[bytes];
    RANDOM.nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}
