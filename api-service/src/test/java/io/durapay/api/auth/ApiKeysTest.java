package io.durapay.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.durapay.api.auth.ApiKeys.IssuedKey;
import io.durapay.api.auth.ApiKeys.PresentedKey;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;

class ApiKeysTest {
  private static final String WELL_FORMED = "dp_0123456789abcdef." + "A".repeat(43);

  @Test
  void anIssuedKeyParsesAndMatchesItsHash() {
    IssuedKey issued = ApiKeys.issue();

    PresentedKey presented = ApiKeys.parse(issued.key()).orElseThrow();

    assertThat(presented.id()).isEqualTo(issued.id());
    assertThat(ApiKeys.matches(presented, issued.hash())).isTrue();
  }

  @Test
  void everyIssuedKeyIsDifferent() {
    IssuedKey first = ApiKeys.issue();
    IssuedKey second = ApiKeys.issue();

    assertThat(second.id()).isNotEqualTo(first.id());
    assertThat(second.key()).isNotEqualTo(first.key());
    assertThat(ApiKeys.matches(ApiKeys.parse(second.key()).orElseThrow(), first.hash())).isFalse();
  }

  @Test
  void aTamperedSecretDoesNotMatch() {
    IssuedKey issued = ApiKeys.issue();
    char last = issued.key().charAt(issued.key().length() - 1);
    String tampered =
        issued.key().substring(0, issued.key().length() - 1) + (last == 'A' ? 'B' : 'A');

    PresentedKey presented = ApiKeys.parse(tampered).orElseThrow();

    assertThat(presented.id()).isEqualTo(issued.id());
    assertThat(ApiKeys.matches(presented, issued.hash())).isFalse();
  }

  @Test
  void theWellFormedSampleParses() {
    // Guards the malformed cases below, each built from this key.
    assertThat(ApiKeys.parse(WELL_FORMED)).isPresent();
  }

  /** Each differs from {@link #WELL_FORMED} in one way only. */
  static Stream<String> malformedKeys() {
    String id = "0123456789abcdef";
    String secret = "A".repeat(43);
    return Stream.of(
        "sk_" + id + "." + secret, // another prefix
        "DP_" + id + "." + secret, // prefix in the wrong case
        id + "." + secret, // no prefix
        "dp_" + id.substring(1) + "." + secret, // id too short
        "dp_" + id + "0." + secret, // id too long
        "dp_" + id.toUpperCase(Locale.ROOT) + "." + secret, // id not lowercase hex
        "dp_" + id + secret, // no dot
        "dp_" + id + "." + secret.substring(1), // secret too short
        "dp_" + id + "." + secret + "A", // secret too long
        "dp_" + id + "." + secret.substring(1) + "=", // padding is not part of the alphabet
        "dp_" + id + "." + secret.substring(1) + "+", // plain base64, not base64url
        WELL_FORMED + " ", // trailing space
        WELL_FORMED + "\n", // trailing newline
        " " + WELL_FORMED, // leading space
        "Bearer " + WELL_FORMED, // the whole header value, not the token
        "dp_" + id, // id only
        "dp_"); // prefix only
  }

  @ParameterizedTest
  @NullAndEmptySource
  @MethodSource("malformedKeys")
  void aMalformedKeyParsesToEmpty(String key) {
    assertThat(ApiKeys.parse(key)).isEmpty();
  }

  @Test
  void toStringShowsNeitherTheKeyNorItsSecret() {
    IssuedKey issued = ApiKeys.issue();
    PresentedKey presented = ApiKeys.parse(issued.key()).orElseThrow();

    assertThat(issued.toString()).contains(issued.id()).doesNotContain(issued.key());
    assertThat(presented.toString()).doesNotContain(presented.secret());
  }
}
