package io.durapay.api.payments;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Currency;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class CurrenciesTest {

  @ParameterizedTest
  @ValueSource(strings = {"USD", "EUR", "GBP", "JPY", "CHF", "BHD", "XAF", "XOF", "XPF", "XCD"})
  void acceptsCirculatingCurrencies(String code) {
    assertThat(Currencies.isCirculating(code)).isTrue();
  }

  @Test
  void normalizesLetterCaseOnly() {
    assertThat(Currencies.normalize("usd")).contains("USD");
    assertThat(Currencies.normalize("eUr")).contains("EUR");
    assertThat(Currencies.normalize(" usd")).isEmpty();
    assertThat(Currencies.normalize("usd ")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // precious metals, test codes and units of account
        "XAU",
        "XAG",
        "XPT",
        "XPD",
        "XXX",
        "XTS",
        "XDR",
        "XBA",
        "XBB",
        "XBC",
        "XBD",
        "XSU",
        "XUA",
        "XFO",
        "XFU",
        // fund codes
        "BOV",
        "CHE",
        "CHW",
        "CLF",
        "COU",
        "MXV",
        "USN",
        "USS",
        "UYI",
        // withdrawn currencies the JDK still knows
        "DEM",
        "FRF",
        "ITL",
        "HRK",
        "VEF",
        // not codes at all
        "ABC",
        "",
        "US",
        "USDD",
        "U$D",
        "ıdr",
        "uſd"
      })
  @NullSource
  void refusesEverythingElse(String code) {
    assertThat(Currencies.isCirculating(code)).isFalse();
    assertThat(Currencies.normalize(code)).isEmpty();
  }

  @Test
  void acceptsTheCurrencyOfEveryCountry() {
    for (String country : Locale.getISOCountries()) {
      Currency currency = Currency.getInstance(new Locale("", country));
      if (currency != null) {
        assertThat(Currencies.isCirculating(currency.getCurrencyCode())).as(country).isTrue();
      }
    }
  }
}
