package io.durapay.api.payments;

import java.util.Currency;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ISO 4217 currencies a payment may be made in: those some country uses as its money today.
 *
 * <p>{@link Currency#getAvailableCurrencies()} alone is not that list. Besides real money it holds
 * precious metals (XAU, XAG, XPT, XPD), test and "no currency" codes (XTS, XXX), units of account
 * (XDR, XBA–XBD, XSU, XUA, XFO, XFU), fund codes (BOV, CHE, CHW, CLF, COU, MXV, USN, USS, UYI) and
 * some fifty withdrawn currencies (DEM, FRF, HRK, …) kept for old data. None of those is the
 * currency of any country in the JDK's ISO 3166 table, so the currencies of that table are exactly
 * the ones to accept: XAF, XOF, XPF and XCD stay because countries use them. The table is updated
 * with each JDK release, including the dates on which a country changes currency.
 */
public final class Currencies {
  private static final Set<String> CIRCULATING = countryCurrencies();

  private Currencies() {}

  /**
   * The upper-case code if {@code code} names a circulating currency in any letter case; empty for
   * anything else, including codes with surrounding spaces.
   */
  public static Optional<String> normalize(String code) {
    if (code == null || code.length() != 3 || !code.chars().allMatch(Currencies::isAsciiLetter)) {
      return Optional.empty();
    }
    String upper = code.toUpperCase(Locale.ROOT);
    return CIRCULATING.contains(upper) ? Optional.of(upper) : Optional.empty();
  }

  public static boolean isCirculating(String code) {
    return normalize(code).isPresent();
  }

  // Only ASCII: toUpperCase would turn the Turkish 'ı' into 'I' and the long 'ſ' into 'S', making
  // "ıdr" or "uſd" pass as IDR or USD.
  private static boolean isAsciiLetter(int c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  private static Set<String> countryCurrencies() {
    Set<String> codes = new TreeSet<>();
    for (String country : Locale.getISOCountries()) {
      Currency currency = Currency.getInstance(new Locale("", country));
      if (currency != null) { // Antarctica and a few others have none.
        codes.add(currency.getCurrencyCode());
      }
    }
    return Set.copyOf(codes);
  }
}
