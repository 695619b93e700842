package io.durapay.api.payments;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Payment and event ids: a prefix and 26 Crockford base32 characters, 48 bits of milliseconds
 * then 80 random bits. Ids of one prefix therefore sort by creation time, which is what makes the
 * last id of a page a usable cursor for the next one.
 */
public final class PaymentIds {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final Pattern PAYMENT_ID = Pattern.compile("pay_[0-9A-HJKMNP-TV-Z]{26}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private PaymentIds() {}

  public static String newPaymentId() {
    return "pay_" + timeOrdered(System.currentTimeMillis());
  }

  public static String newEventId() {
    return "evt_" + timeOrdered(System.currentTimeMillis());
  }

  /** Whether the text has the shape of a payment id; anything else cannot name a payment. */
  public static boolean isPaymentId(String text) {
    return text != null && PAYMENT_ID.matcher(text).matches();
  }

  static String timeOrdered(long epochMillis) {
    char[] out = new char[26];
    long time = epochMillis;
    for (int i = 9; i >= 0; i--) {
      out[i] = ALPHABET[(int) (time & 31)];
      time >>>= 5;
    }
    byte[] random = new byte[10];
    RANDOM.nextBytes(random);
    // 80 random bits as 16 base32 characters: take 5 bits at a time.
    int bit = 0;
    for (int i = 10; i < 26; i++) {
      int value = 0;
      for (int j = 0; j < 5; j++, bit++) {
        value = (value << 1) | ((random[bit / 8] >> (7 - bit % 8)) & 1);
      }
      out[i] = ALPHABET[value];
    }
    return new String(out);
  }
}
