package io.durapay.api.payments;

import com.github.f4b6a3.ulid.UlidFactory;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Payment and event ids: a prefix and a ULID (26 Crockford base32 characters, 48 bits of
 * milliseconds then 80 random bits, made by ulid-creator from a {@link SecureRandom}). Ids of one
 * prefix therefore sort by creation time, which is what makes the last id of a page a usable
 * cursor for the next one.
 */
public final class PaymentIds {
  private static final Pattern PAYMENT_ID = Pattern.compile("pay_[0-9A-HJKMNP-TV-Z]{26}");
  private static final UlidFactory ULIDS = UlidFactory.newInstance(new SecureRandom());

  private PaymentIds() {}

  public static String newPaymentId() {
    return "pay_" + ULIDS.create();
  }

  public static String newEventId() {
    return "evt_" + ULIDS.create();
  }

  /** Whether the text has the shape of a payment id; anything else cannot name a payment. */
  public static boolean isPaymentId(String text) {
    return text != null && PAYMENT_ID.matcher(text).matches();
  }

  /** The ULID of a moment, as ids made then begin. */
  static String timeOrdered(long epochMillis) {
    return ULIDS.create(epochMillis).toString();
  }
}
