package io.durapay.store;

import io.durapay.contracts.PaymentStatus;
import java.time.Instant;

/** A payment row. {@code metadata} is the JSON object the merchant attached, as text. */
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
    Instant updatedAt) {}
