package io.durapay.worker.webhook;

import java.time.Duration;
import java.util.Objects;

/**
 * The result of one delivery attempt, for the activity to record and act on.
 *
 * @param outcome what the caller should do next
 * @param statusCode the HTTP status, or null when no response arrived
 * @param error why the attempt did not deliver, or null; never the response body nor the secret
 * @param retryAfter the endpoint's {@code Retry-After} on a retryable response, or null
 */
public record WebhookAttempt(
    Outcome outcome, Integer statusCode, String error, Duration retryAfter) {

  public WebhookAttempt {
    Objects.requireNonNull(outcome, "outcome");
  }

  /** What an attempt means for the delivery. */
  public enum Outcome {
    /** The endpoint answered 2xx: done. */
    DELIVERED,
    /** 408, 429, 5xx, a timeout or a connection error: try again later. */
    RETRYABLE,
    /** 410: the merchant removed the endpoint; the caller disables it and stops. */
    GONE,
    /** Any other 3xx or 4xx: the endpoint will not accept it; stop. */
    REJECTED,
    /** The guard refused the destination; nothing was sent; stop. */
    REFUSED
  }
}
