package io.durapay.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.durapay.store.testing.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MerchantDaoTest {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  private static final AtomicInteger IDS = new AtomicInteger();

  private MerchantDao merchants;

  @BeforeEach
  void setUp() {
    merchants = POSTGRES.jdbi().onDemand(MerchantDao.class);
  }

  @Test
  void storesAMerchantAndFindsItByIdAndByApiKeyId() {
    Merchant merchant = newMerchant("https://shop.example/hooks", 50_000L);

    merchants.insert(merchant);

    Merchant byId = merchants.findById(merchant.id()).orElseThrow();
    assertThat(byId.name()).isEqualTo(merchant.name());
    assertThat(byId.apiKeyId()).isEqualTo(merchant.apiKeyId());
    assertThat(byId.apiKeyHash()).isEqualTo(merchant.apiKeyHash());
    assertThat(byId.webhookUrl()).isEqualTo("https://shop.example/hooks");
    assertThat(byId.webhookSecret()).isEqualTo(merchant.webhookSecret());
    assertThat(byId.webhookDisabledAt()).isNull();
    assertThat(byId.maxAmount()).isEqualTo(50_000L);
    assertThat(byId.createdAt()).isNotNull();
    assertThat(byId.updatedAt()).isNotNull();
    assertThat(merchants.findByApiKeyId(merchant.apiKeyId()).orElseThrow().id())
        .isEqualTo(merchant.id());
  }

  @Test
  void optionalFieldsMayBeLeftOut() {
    Merchant merchant = newMerchant(null, null);

    merchants.insert(merchant);

    Merchant stored = merchants.findById(merchant.id()).orElseThrow();
    assertThat(stored.webhookUrl()).isNull();
    assertThat(stored.maxAmount()).isNull();
  }

  @Test
  void unknownIdsAndKeysFindNothing() {
    assertThat(merchants.findById("mer_missing")).isEmpty();
    assertThat(merchants.findByApiKeyId("key_missing")).isEmpty();
  }

  @Test
  void twoMerchantsCannotShareAnApiKeyId() {
    Merchant first = newMerchant(null, null);
    merchants.insert(first);
    Merchant second = newMerchant(null, null);
    Merchant clash =
        new Merchant(second.id(), second.name(), first.apiKeyId(), second.apiKeyHash(), null,
            second.webhookSecret(), null, null, null, null);

    assertThatThrownBy(() -> merchants.insert(clash))
        .isInstanceOf(UnableToExecuteStatementException.class)
        .hasMessageContaining("merchants_api_key_id_key");
    assertThat(merchants.findById(second.id())).isEmpty();
  }

  @Test
  void rotatingTheApiKeyRetiresTheOldOneAtOnce() {
    Merchant merchant = newMerchant(null, null);
    merchants.insert(merchant);
    Instant updatedBefore = merchants.findById(merchant.id()).orElseThrow().updatedAt();
    byte[] newHash = "new-hash".getBytes(StandardCharsets.UTF_8);

    boolean rotated = merchants.rotateApiKey(merchant.id(), "key_rotated_" + merchant.id(), newHash);

    assertThat(rotated).isTrue();
    assertThat(merchants.findByApiKeyId(merchant.apiKeyId())).isEmpty();
    Merchant after = merchants.findByApiKeyId("key_rotated_" + merchant.id()).orElseThrow();
    assertThat(after.id()).isEqualTo(merchant.id());
    assertThat(after.apiKeyHash()).isEqualTo(newHash);
    assertThat(after.webhookSecret()).isEqualTo(merchant.webhookSecret());
    assertThat(after.updatedAt()).isAfter(updatedBefore);
    assertThat(merchants.rotateApiKey("mer_missing", "key_x", newHash)).isFalse();
  }

  @Test
  void rotatingTheWebhookSecretChangesOnlyTheSecret() {
    Merchant merchant = newMerchant("https://shop.example/hooks", null);
    merchants.insert(merchant);

    boolean rotated = merchants.rotateWebhookSecret(merchant.id(), "whsec_bmV3");

    assertThat(rotated).isTrue();
    Merchant after = merchants.findById(merchant.id()).orElseThrow();
    assertThat(after.webhookSecret()).isEqualTo("whsec_bmV3");
    assertThat(after.apiKeyId()).isEqualTo(merchant.apiKeyId());
    assertThat(after.apiKeyHash()).isEqualTo(merchant.apiKeyHash());
    assertThat(after.webhookUrl()).isEqualTo("https://shop.example/hooks");
    assertThat(merchants.rotateWebhookSecret("mer_missing", "whsec_eA==")).isFalse();
  }

  @Test
  void disablingWebhooksTwiceKeepsTheFirstTimeAndSaysNothingChanged() {
    Merchant merchant = newMerchant("https://shop.example/hooks", null);
    merchants.insert(merchant);

    assertThat(merchants.disableWebhooks(merchant.id())).isTrue();
    Instant disabledAt = merchants.findById(merchant.id()).orElseThrow().webhookDisabledAt();
    assertThat(disabledAt).isNotNull();

    assertThat(merchants.disableWebhooks(merchant.id())).isFalse();
    assertThat(merchants.findById(merchant.id()).orElseThrow().webhookDisabledAt())
        .isEqualTo(disabledAt);
    assertThat(merchants.disableWebhooks("mer_missing")).isFalse();
  }

  @Test
  void anUpdatedWebhookUrlReEnablesDeliveries() {
    Merchant merchant = newMerchant("https://old.example/hooks", null);
    merchants.insert(merchant);
    merchants.disableWebhooks(merchant.id());

    boolean updated = merchants.updateWebhookUrl(merchant.id(), "https://new.example/hooks");

    assertThat(updated).isTrue();
    Merchant after = merchants.findById(merchant.id()).orElseThrow();
    assertThat(after.webhookUrl()).isEqualTo("https://new.example/hooks");
    assertThat(after.webhookDisabledAt()).isNull();
    // Enabled again, so the next 410 can disable it again.
    assertThat(merchants.disableWebhooks(merchant.id())).isTrue();
    assertThat(merchants.updateWebhookUrl("mer_missing", "https://x.example/")).isFalse();
  }

  private static Merchant newMerchant(String webhookUrl, Long maxAmount) {
    int n = IDS.incrementAndGet();
    return new Merchant(
        "mer_dao" + n,
        "Merchant " + n,
        "key_dao" + n,
        ("hash-" + n).getBytes(StandardCharsets.UTF_8),
        webhookUrl,
        "whsec_c2VjcmV0" + n,
        null,
        maxAmount,
        null,
        null);
  }
}
