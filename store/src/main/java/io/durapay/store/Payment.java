package io.durapay.store;

import io.durapay.contracts.PaymentStatus;
import java.time.Instant;
import org.jdbi.v3.core.mapper.reflect.JdbiConstructor;

/**
 * A payment row. {@code metadata} is the JSON object the merchant attached, as text; {@code
 * taskQueue} and {@code workerBuild} say which route and worker build last moved it.
 */
public record Payment(
    String id,
    String merchantId,
    long amount,
    String currency,
    String paymentMethod,
    String description,
    String metadata,
    PaymentStatus status,
    String failureCode,
    String failureMessage,
    String gatewayReference,
    String correlationId,
    Instant createdAt,
    Instant updatedAt,
    String taskQueue,
    String workerBuild) {

  /** The row as read from the database. */
  @JdbiConstructor
  public Payment {}

  /** A new payment, before any worker has touched it. */
  public Payment(
      String id,
      String merchantId,
      long amount,
      String currency,
      String paymentMethod,
      String description,
      String metadata,
      PaymentStatus status,
      String failureCode,
      String failureMessage,
      String gatewayReference,
      String correlationId,
      Instant createdAt,
      Instant updatedAt) {
    this(id, merchantId, amount, currency, paymentMethod, description, metadata, status, failureCode,
        failureMessage, gatewayReference, correlationId, createdAt, updatedAt, null, null);
  }
}
