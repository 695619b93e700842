package io.durapay.api.responses;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.time.Instant;

/**
 * The answer to a webhook secret rotation: the one answer that shows a secret, to the merchant it
 * belongs to; the old secret signs beside it until {@code previousSecretSignsUntil}.
 */
public record WebhookSecretRotationResponse(
    String secret, @JsonFormat(shape = JsonFormat.Shape.STRING) Instant previousSecretSignsUntil) {}
