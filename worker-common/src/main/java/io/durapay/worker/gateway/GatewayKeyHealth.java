package io.durapay.worker.gateway;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the gateway accepts our API key. A 401 or 403 (a bad, revoked or rotated key) says
 * nothing about any payment's money, so the calls that got it are retried; this is what tells an
 * operator: the worker's health check turns unhealthy from the first refusal until the gateway
 * accepts a request again, and the refusals are counted as a metric. Thread-safe.
 */
public final class GatewayKeyHealth {
  /** The code of the exception a refused key raises: retryable, and waited out by v2. */
  public static final String REFUSED = "authentication_refused";

  private final Clock clock;
  private final AtomicLong refusals = new AtomicLong();
  private final AtomicReference<Instant> lastRefused = new AtomicReference<>();
  private final AtomicReference<Instant> lastAccepted = new AtomicReference<>();

  public GatewayKeyHealth(Clock clock) {
    this.clock = clock;
  }

  void refused() {
    refusals.incrementAndGet();
    lastRefused.set(clock.instant());
  }

  void accepted() {
    lastAccepted.set(clock.instant());
  }

  /** Every refusal since the worker started. */
  public long refusals() {
    return refusals.get();
  }

  /** The gateway refused the key, and has accepted no request since. */
  public boolean refusedNow() {
    Instant refused = lastRefused.get();
    Instant accepted = lastAccepted.get();
    return refused != null && (accepted == null || accepted.isBefore(refused));
  }

  /** When the gateway last refused the key, or null. */
  public Instant lastRefused() {
    return lastRefused.get();
  }
}
