package io.durapay.store;

import java.time.Instant;

/**
 * A merchant. {@code apiKeyHash} is the SHA-256 of the secret half of its API key; the key itself
 * is shown once, when it is issued, and never stored.
 */
public record Merchant(
    String id,
    String name,
    String apiKeyId,
    byte[] apiKeyHash,
    String webhookUrl,
    String webhookSecret,
    Instant webhookDisabledAt,
    Long maxAmount,
    Instant createdAt,
    Instant updatedAt) {

  /** Never prints the key hash or the webhook secret. */
  @Override
  public String toString() {
    return "Merchant[id=" + id + ", name=" + name + ", apiKeyId=" + apiKeyId + "]";
  }
}
