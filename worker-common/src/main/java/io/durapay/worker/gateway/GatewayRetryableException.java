package io.durapay.worker.gateway;

import java.time.Duration;
import java.util.Optional;

/**
 * The outcome is unknown or only temporarily negative: the gateway was busy, down, slow, or gave an
 * answer we could not read. Retrying with the same idempotency key is safe and may succeed.
 */
public final class GatewayRetryableException extends GatewayException {

  private final Duration retryAfter;

  public GatewayRetryableException(String message, Duration retryAfter) {
    this("gateway_unavailable", message, retryAfter, null);
  }

  public GatewayRetryableException(
      String code, String message, Duration retryAfter, Throwable cause) {
    super(code, message, cause);
    this.retryAfter = retryAfter;
  }

  @Override
  public boolean retryable() {
    return true;
  }

  @Override
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
