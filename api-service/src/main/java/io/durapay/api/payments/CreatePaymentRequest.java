package io.durapay.api.payments;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The body of {@code POST /v1/payments}, once {@link PaymentRequestParser} has checked it.
 *
 * @param amount in minor units of {@code currency} (cents for USD), at least 1
 * @param currency upper-case ISO 4217 code
 * @param paymentMethod the gateway's token for the customer's payment method ({@code pm_…}), never
 *     a card number
 * @param description free text for the merchant, or null
 * @param metadata the merchant's own string pairs in the order sent; empty when none were sent
 */
public record CreatePaymentRequest(
    long amount,
    String currency,
    String paymentMethod,
    String description,
    Map<String, String> metadata) {

  public CreatePaymentRequest {
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(paymentMethod, "paymentMethod");
    // A copy, so the map cannot change after it was checked; LinkedHashMap keeps the merchant's
    // order, which Map.copyOf would not.
    metadata =
        metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }
}
