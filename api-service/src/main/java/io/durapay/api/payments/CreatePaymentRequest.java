package io.durapay.api.payments;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body of {@code POST /v1/payments}: the HTTP contract as a type. {@link PaymentRequestReader}
 * binds it (JSON types), Bean Validation checks its {@link PaymentRules} ({@code @Valid} on the
 * resource), and a refusal names the first field at fault in the order written here.
 *
 * <p>{@code Nulls.FAIL} makes a field required: neither null nor left out.
 *
 * @param amount in minor units of {@code currency} (1999 for 19.99 USD); any JSON integer is read,
 *     so that a huge one is refused as too large rather than as unreadable
 * @param currency an ISO 4217 code, upper-cased once it is known to be one
 * @param paymentMethod the gateway's token for the customer's payment method ({@code pm_…}), never
 *     a card number
 * @param description free text for the merchant, or null
 * @param metadata the merchant's own string pairs in the order sent; empty when none were sent
 */
public record CreatePaymentRequest(
    @JsonSetter(nulls = Nulls.FAIL) @PaymentRules.Amount BigInteger amount,
    @JsonSetter(nulls = Nulls.FAIL) @PaymentRules.Currency String currency,
    @JsonSetter(nulls = Nulls.FAIL) @PaymentRules.PaymentMethodToken String paymentMethod,
    @PaymentRules.Description String description,
    @JsonSetter(contentNulls = Nulls.FAIL) @PaymentRules.Metadata Map<String, String> metadata) {

  public CreatePaymentRequest {
    currency = currency == null ? null : Currencies.normalize(currency).orElse(currency);
    // A copy, so the map cannot change after it was checked; LinkedHashMap keeps the merchant's
    // order, which Map.copyOf would not.
    metadata =
        metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /** The amount once the rules have passed (at most the configured maximum, so it fits). */
  public long amountInMinorUnits() {
    return amount.longValueExact();
  }
}
