package io.durapay.api.responses;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durapay.contracts.MerchantMessages;
import io.durapay.contracts.PaymentStatus;
import io.durapay.store.Payment;
import java.time.Instant;
import java.util.Map;

/** A payment as the API shows it. Every field is always present, null when it has no value. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record PaymentResponse(
    String id,
    PaymentStatus status,
    long amount,
    String currency,
    String paymentMethod,
    String description,
    Map<String, String> metadata,
    String correlationId,
    String failureCode,
    String failureMessage,
    String gatewayReference,
    @JsonFormat(shape = JsonFormat.Shape.STRING) Instant createdAt,
    @JsonFormat(shape = JsonFormat.Shape.STRING) Instant updatedAt) {

  private static final TypeReference<Map<String, String>> METADATA = new TypeReference<>() {};

  public static PaymentResponse from(Payment payment, ObjectMapper mapper) {
    Map<String, String> metadata;
    try {
      metadata = mapper.readValue(payment.metadata(), METADATA);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored metadata of " + payment.id() + " is not a JSON object", e);
    }
    return new PaymentResponse(
        payment.id(),
        payment.status(),
        payment.amount(),
        payment.currency(),
        payment.paymentMethod(),
        payment.description(),
        metadata,
        payment.correlationId(),
        MerchantMessages.code(payment.failureCode()),
        // A fixed sentence for the code: the stored message is for operators (MerchantMessages).
        MerchantMessages.forCode(payment.failureCode()),
        payment.gatewayReference(),
        payment.createdAt(),
        payment.updatedAt());
  }
}
