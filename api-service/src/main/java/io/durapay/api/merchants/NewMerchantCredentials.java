package io.durapay.api.merchants;

/**
 * What a new merchant needs to call the API and verify our webhooks. Shown to the operator once:
 * only a hash of the API key is kept, and the secret is never shown again (only rotated).
 */
public record NewMerchantCredentials(String merchantId, String apiKey, String webhookSecret) {

  /** The line every printout of credentials ends with. */
  public static final String SHOWN_ONCE =
      "These credentials are shown only once: store them now. They cannot be shown again, only"
          + " rotated.";

  /** Leaves the key and the secret out, so a log line or an exception message cannot leak them. */
  @Override
  public String toString() {
    return "NewMerchantCredentials[merchantId=" + merchantId + "]";
  }
}
