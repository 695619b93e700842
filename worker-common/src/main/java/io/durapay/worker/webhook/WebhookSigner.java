package io.durapay.worker.webhook;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhooks the Standard Webhooks v1 way, so that a merchant can verify them with any Standard
 * Webhooks library: {@code v1,<base64 HMAC-SHA256(key, msgId + "." + timestamp + "." + body)>}.
 */
public final class WebhookSigner {

  /** Merchant secrets are {@code whsec_} followed by the base64 of the HMAC key. */
  public static final String SECRET_PREFIX = "whsec_";

  private static final String HMAC_SHA256 = "HmacSHA256";

  private WebhookSigner() {}

  /**
   * Returns the {@code webhook-signature} header value for one message.
   *
   * @throws IllegalArgumentException if {@code secret} is not {@code whsec_<base64 key>}; the
   *     message never contains the secret
   */
  public static String sign(String secret, String msgId, long timestamp, String body) {
    byte[] key = keyOf(secret);
    byte[] signed = (msgId + "." + timestamp + "." + body).getBytes(UTF_8);
    try {
      Mac mac = Mac.getInstance(HMAC_SHA256);
      mac.init(new SecretKeySpec(key, HMAC_SHA256));
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(signed));
    } catch (GeneralSecurityException e) {
      // Every Java platform must provide HmacSHA256, and it accepts any non-empty key.
      throw new IllegalStateException("HmacSHA256 is not available", e);
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
