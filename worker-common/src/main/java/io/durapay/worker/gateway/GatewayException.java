package io.durapay.worker.gateway;

import java.time.Duration;
import java.util.Optional;

/**
 * A gateway call that did not succeed, typed by what the caller should do next. Messages name the
 * request, the HTTP status and the gateway's error, never the secret key or the request body.
 */
public abstract sealed class GatewayException extends RuntimeException
    permits PaymentDeclinedException, GatewayRejectedException, GatewayRetryableException {

  private final String code;

  GatewayException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** Whether the same call, with the same idempotency key, may succeed later. */
  public abstract boolean retryable();

  /** The gateway's error or decline code, or a durapay code such as {@code timeout}. */
  public String code() {
    return code;
  }

  /** How long the gateway asked us to wait before trying again, when it said so. */
  public Optional<Duration> retryAfter() {
    return Optional.empty();
  }
}
