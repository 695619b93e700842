package io.durapay.api.payments;

import java.text.Normalizer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds card numbers (PANs) in free text: 13 to 19 digits, written together or in groups
 * separated by spaces, dashes, underscores, dots or slashes (one or several), that pass the Luhn
 * check. The text is read as NFKC with every Unicode decimal digit taken as its value, so
 * full-width or Arabic-Indic digits count as digits. Groups are tried in every contiguous run, so
 * a number followed by an expiry ("4111 1111 1111 1111 12-29") is still found; an unbroken run of
 * more than 19 digits is not a card number.
 */
final class CardNumbers {
  private static final Pattern DIGIT_GROUPS = Pattern.compile("[0-9]+(?:[ _./-]+[0-9]+)*");
  private static final Pattern SEPARATOR = Pattern.compile("[ _./-]+");
  private static final int MIN_DIGITS = 13;
  private static final int MAX_DIGITS = 19;

  private CardNumbers() {}

  static boolean containsCardNumber(String text) {
    Matcher run = DIGIT_GROUPS.matcher(asciiDigits(text));
    while (run.find()) {
      String[] groups = SEPARATOR.split(run.group());
      for (int first = 0; first < groups.length; first++) {
        StringBuilder digits = new StringBuilder(MAX_DIGITS);
        for (int last = first; last < groups.length; last++) {
          digits.append(groups[last]);
          if (digits.length() > MAX_DIGITS) {
            break;
          }
          if (digits.length() >= MIN_DIGITS && luhnValid(digits)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** NFKC, then every remaining Unicode decimal digit (Arabic-Indic, Devanagari, …) as 0-9. */
  private static String asciiDigits(String text) {
    String normalized = Normalizer.normalize(text, Normalizer.Form.NFKC);
    StringBuilder ascii = new StringBuilder(normalized.length());
    normalized.codePoints().forEach(c -> {
      int digit = Character.isDigit(c) ? Character.digit(c, 10) : -1;
      if (digit >= 0) {
        ascii.append((char) ('0' + digit));
      } else {
        ascii.appendCodePoint(c);
      }
    });
    return ascii.toString();
  }

  static boolean luhnValid(CharSequence digits) {
    int sum = 0;
    boolean doubled = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int digit = digits.charAt(i) - '0';
      if (doubled) {
        digit *= 2;
        if (digit > 9) {
          digit -= 9;
        }
      }
      sum += digit;
      doubled = !doubled;
    }
    return sum % 10 == 0;
  }
}
