package io.durapay.api.merchants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.durapay.api.auth.ApiKeys;
import io.durapay.api.auth.ApiKeys.PresentedKey;
import io.durapay.api.auth.MerchantAuthenticator;
import io.durapay.store.Merchant;
import io.durapay.store.MerchantDao;
import io.durapay.store.testing.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MerchantOnboardingTest {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  private final MerchantDao merchants = POSTGRES.jdbi().onDemand(MerchantDao.class);
  private final MerchantOnboarding onboarding = new MerchantOnboarding(merchants);
  private final MerchantAuthenticator authenticator = new MerchantAuthenticator(merchants);

  @Test
  void createStoresTheMerchantWithAHashOfItsKey() {
    NewMerchantCredentials credentials =
        onboarding.create("Acme Books", "https://acme.example/webhooks", 50_000L);

    Merchant stored = merchants.findById(credentials.merchantId()).orElseThrow();
    PresentedKey presented = ApiKeys.parse(credentials.apiKey()).orElseThrow();
    assertThat(credentials.merchantId()).matches("mer_[0-9a-f]{24}");
    assertThat(stored.name()).isEqualTo("Acme Books");
    assertThat(stored.webhookUrl()).isEqualTo("https://acme.example/webhooks");
    assertThat(stored.maxAmount()).isEqualTo(50_000L);
    assertThat(stored.webhookSecret()).isEqualTo(credentials.webhookSecret()).startsWith("whsec_");
    assertThat(stored.apiKeyId()).isEqualTo(presented.id());
    assertThat(ApiKeys.matches(presented, stored.apiKeyHash())).isTrue();
    assertThat(authenticator.authenticate(credentials.apiKey()))
        .hasValueSatisfying(m -> assertThat(m.id()).isEqualTo(credentials.merchantId()));
  }

  @Test
  void neitherTheKeyNorTheSecretIsStoredOutsideTheSecretColumn() {
    NewMerchantCredentials credentials = onboarding.create("Acme Books", null, null);
    String keySecret = ApiKeys.parse(credentials.apiKey()).orElseThrow().secret();

    String row = rowAsText(credentials.merchantId(), "to_jsonb(m)");
    String rowWithoutSecret = rowAsText(credentials.merchantId(), "to_jsonb(m) - 'webhook_secret'");

    // bytea columns render as hex, so look for the key's bytes in hex as well.
    String keyInHex = HexFormat.of().formatHex(keySecret.getBytes(StandardCharsets.US_ASCII));
    assertThat(row)
        .doesNotContain(credentials.apiKey())
        .doesNotContain(keySecret)
        .doesNotContain(keyInHex);
    // The secret is found where it belongs, so its absence elsewhere means something.
    assertThat(row).contains(credentials.webhookSecret());
    assertThat(rowWithoutSecret).doesNotContain(credentials.webhookSecret());
  }

  @Test
  void createWithoutTheOptionalFields() {
    NewMerchantCredentials credentials = onboarding.create("Plain Shop", null, null);

    Merchant stored = merchants.findById(credentials.merchantId()).orElseThrow();
    assertThat(stored.webhookUrl()).isNull();
    assertThat(stored.maxAmount()).isNull();
  }

  @Test
  void createAcceptsTheLimits() {
    String base = "https://acme.example/";
    String longestUrl = base + "a".repeat(2048 - base.length());

    NewMerchantCredentials credentials = onboarding.create("é".repeat(200), longestUrl, 1L);

    Merchant stored = merchants.findById(credentials.merchantId()).orElseThrow();
    assertThat(stored.name()).hasSize(200);
    assertThat(stored.webhookUrl()).hasSize(2048);
    assertThat(stored.maxAmount()).isEqualTo(1L);
  }

  static Stream<Arguments> invalidMerchants() {
    String url = "https://acme.example/webhooks";
    return Stream.of(
        Arguments.of(null, url, 100L, "name"),
        Arguments.of("", url, 100L, "name"),
        Arguments.of(" \t ", url, 100L, "name"),
        Arguments.of("x".repeat(201), url, 100L, "name"),
        Arguments.of("Acme", "ftp://acme.example/hooks", 100L, "webhookUrl"),
        Arguments.of("Acme", "/webhooks", 100L, "webhookUrl"),
        Arguments.of("Acme", "acme.example/webhooks", 100L, "webhookUrl"),
        Arguments.of("Acme", "https://", 100L, "webhookUrl"),
        Arguments.of("Acme", "http:acme", 100L, "webhookUrl"),
        Arguments.of("Acme", "https://acme.example/a b", 100L, "webhookUrl"),
        Arguments.of("Acme", "", 100L, "webhookUrl"),
        Arguments.of("Acme", "https://acme.example/" + "a".repeat(2048), 100L, "webhookUrl"),
        Arguments.of("Acme", url, 0L, "maxAmount"),
        Arguments.of("Acme", url, -5L, "maxAmount"));
  }

  @ParameterizedTest
  @MethodSource("invalidMerchants")
  void invalidInputIsRefusedAndNothingIsWritten(
      String name, String webhookUrl, Long maxAmount, String field) {
    long before = POSTGRES.count("merchants");

    assertThatThrownBy(() -> onboarding.create(name, webhookUrl, maxAmount))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(field + " ");
    assertThat(POSTGRES.count("merchants")).isEqualTo(before);
  }

  @Test
  void rotateApiKeyRetiresTheOldKeyAtOnce() {
    NewMerchantCredentials credentials = onboarding.create("Acme Books", null, null);

    String newKey = onboarding.rotateApiKey(credentials.merchantId());

    Merchant stored = merchants.findById(credentials.merchantId()).orElseThrow();
    PresentedKey oldKey = ApiKeys.parse(credentials.apiKey()).orElseThrow();
    assertThat(newKey).isNotEqualTo(credentials.apiKey());
    assertThat(ApiKeys.matches(oldKey, stored.apiKeyHash())).isFalse();
    assertThat(ApiKeys.matches(ApiKeys.parse(newKey).orElseThrow(), stored.apiKeyHash())).isTrue();
    assertThat(authenticator.authenticate(credentials.apiKey())).isEmpty();
    assertThat(authenticator.authenticate(newKey)).isPresent();
  }

  @Test
  void rotateWebhookSecretReplacesTheStoredSecretTheOldSigningBesideItForTheOverlap() {
    NewMerchantCredentials credentials = onboarding.create("Acme Books", null, null);
    Instant before = Instant.now();

    MerchantOnboarding.SecretRotation rotation = onboarding.rotateWebhookSecret(credentials.merchantId());

    assertThat(rotation.secret()).startsWith("whsec_").isNotEqualTo(credentials.webhookSecret());
    assertThat(rotation.previousSignsUntil()).isAfterOrEqualTo(before.plus(MerchantOnboarding.DEFAULT_SECRET_OVERLAP));
    assertThat(merchants.findById(credentials.merchantId()).orElseThrow().webhookSecret())
        .isEqualTo(rotation.secret());
    assertThat(merchants.previousWebhookSecret(credentials.merchantId(), Instant.now()))
        .contains(credentials.webhookSecret());
    assertThat(authenticator.authenticate(credentials.apiKey())).isPresent();
  }

  @Test
  void replaceWebhookSecretLeavesNoOldSecretSigning() {
    NewMerchantCredentials credentials = onboarding.create("Acme Books", null, null);
    onboarding.rotateWebhookSecret(credentials.merchantId());

    String replaced = onboarding.replaceWebhookSecret(credentials.merchantId());

    assertThat(merchants.findById(credentials.merchantId()).orElseThrow().webhookSecret()).isEqualTo(replaced);
    assertThat(merchants.previousWebhookSecret(credentials.merchantId(), Instant.now())).isEmpty();
  }

  @Test
  void rotatingForAnUnknownMerchantFails() {
    assertThatThrownBy(() -> onboarding.rotateApiKey("mer_nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no merchant mer_nope");
    assertThatThrownBy(() -> onboarding.rotateWebhookSecret("mer_nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no merchant mer_nope");
  }

  @Test
  void credentialsDoNotPrintTheirSecrets() {
    NewMerchantCredentials credentials = onboarding.create("Acme Books", null, null);

    assertThat(credentials.toString())
        .contains(credentials.merchantId())
        .doesNotContain(credentials.apiKey())
        .doesNotContain(credentials.webhookSecret());
  }

  private static String rowAsText(String merchantId, String json) {
    return POSTGRES
        .jdbi()
        .withHandle(
            h ->
                h.select("SELECT (" + json + ")::text FROM merchants m WHERE id = ?", merchantId)
                    .mapTo(String.class)
                    .one());
  }
}
