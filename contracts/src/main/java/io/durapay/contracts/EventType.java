package io.durapay.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** The {@code payment.*} events durapay publishes. */
public enum EventType {
  PAYMENT_INITIATED("payment.initiated"),
  PAYMENT_COMPLETED("payment.completed"),
  PAYMENT_FAILED("payment.failed"),
  PAYMENT_CANCELLED("payment.cancelled");

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  @JsonCreator
  public static EventType fromWireName(String value) {
    return parse(value)
        .orElseThrow(() -> new IllegalArgumentException("unknown event type: " + value));
  }

  public static Optional<EventType> parse(String value) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(value)).findFirst();
  }
}
