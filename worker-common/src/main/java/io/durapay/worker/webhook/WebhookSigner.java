package io.durapay.worker.webhook;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.EmptyWebhookSecretException;
import com.standardwebhooks.exceptions.WebhookSigningException;
import java.util.Base64;

/**
 * Signs webhooks the Standard Webhooks v1 way, with the reference library, so that a merchant can
 * verify them with any Standard Webhooks library: {@code v1,<base64 HMAC-SHA256(key, msgId + "."
 * + timestamp + "." + body)>}. The secret's format is checked here first, with messages that never
 * quote it.
 */
public final class WebhookSigner {

  /** Merchant secrets are {@code whsec_} followed by the base64 of the HMAC key. */
  public static final String SECRET_PREFIX = "whsec_";

  private WebhookSigner() {}

  /**
   * Returns the {@code webhook-signature} header value for one message.
   *
   * @throws IllegalArgumentException if {@code secret} is not {@code whsec_<base64 key>}; the
   *     message never contains the secret
   */
  public static String sign(String secret, String msgId, long timestamp, String body) {
    try {
      return new Webhook(keyOf(secret)).sign(msgId, timestamp, body);
    } catch (WebhookSigningException | EmptyWebhookSecretException e) {
      // keyOf refuses an empty key, and every Java platform provides HmacSHA256.
      throw new IllegalStateException("cannot sign the webhook", e);
    }
  }

  private static byte[] keyOf(String secret) {
    if (secret == null || !secret.startsWith(SECRET_PREFIX)) {
      throw new IllegalArgumentException("webhook secret must start with " + SECRET_PREFIX);
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
    } catch (IllegalArgumentException e) {
      // Not kept as the cause: the decoder's message quotes the offending character of the secret.
      throw new IllegalArgumentException(
          "webhook secret must be " + SECRET_PREFIX + " followed by a base64 key");
    }
    if (key.length == 0) {
      throw new IllegalArgumentException("webhook secret has an empty key");
    }
    return key;
  }
}
