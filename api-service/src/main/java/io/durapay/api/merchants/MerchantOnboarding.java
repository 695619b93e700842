package io.durapay.api.merchants;

import io.durapay.api.auth.ApiKeys;
import io.durapay.api.auth.WebhookSecrets;
import io.durapay.store.Merchant;
import io.durapay.store.MerchantDao;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Creates merchants and rotates their credentials. New keys and secrets are returned to be shown
 * once; of an API key only the hash is stored. Bad input is an {@link IllegalArgumentException}
 * whose message names the field.
 */
public final class MerchantOnboarding {
  private static final int MAX_NAME_LENGTH = 200;
  private static final int MAX_WEBHOOK_URL_LENGTH = 2048;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final MerchantDao merchants;

  public MerchantOnboarding(MerchantDao merchants) {
    this.merchants = merchants;
  }

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

  /** Generates a new webhook signing secret and returns it; webhooks are signed with it now. */
  public String rotateWebhookSecret(String merchantId) {
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
