package io.durapay.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The life of a payment. Transitions only move forward: {@code initiated → processing →
 * completed | failed | cancelled}, plus {@code initiated → cancelled | failed}.
 */
public enum PaymentStatus {
  INITIATED,
  PROCESSING,
  COMPLETED,
  FAILED,
  CANCELLED;

  /** The name used on the wire and in the database. */
  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static PaymentStatus fromWireName(String value) {
    return parse(value)
        .orElseThrow(() -> new IllegalArgumentException("unknown payment status: " + value));
  }

  public static Optional<PaymentStatus> parse(String value) {
    return Arrays.stream(values()).filter(s -> s.wireName().equals(value)).findFirst();
  }

  public boolean isFinal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }

  /** The statuses a payment may be in just before it moves to this one. */
  public Set<PaymentStatus> allowedPredecessors() {
    return switch (this) {
      case INITIATED -> Set.of();
      case PROCESSING -> Set.of(INITIATED);
      case COMPLETED -> Set.of(PROCESSING);
      case FAILED, CANCELLED -> Set.of(INITIATED, PROCESSING);
    };
  }
}
