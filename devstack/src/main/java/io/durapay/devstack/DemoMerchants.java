package io.durapay.devstack;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durapay.api.merchants.MerchantOnboarding;
import io.durapay.store.MerchantDao;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * The devstack's merchants. Their API keys are shown once when issued, so the devstack keeps them
 * in its data folder (as a merchant would keep its own) and finds the same merchants after a
 * restart.
 */
public final class DemoMerchants {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** What a merchant needs to call the API and verify its webhooks. */
  public record Credentials(String merchantId, String apiKey, String webhookSecret) {
    @Override
    public String toString() {
      return "Credentials[merchantId=" + merchantId + "]";
    }
  }

  private final Path file;
  private final MerchantOnboarding onboarding;
  private final MerchantDao merchants;

  DemoMerchants(Path file, MerchantOnboarding onboarding, Jdbi jdbi) {
    this.file = file;
    this.onboarding = onboarding;
    this.merchants = jdbi.onDemand(MerchantDao.class);
  }

  /** The merchant of that name from an earlier run, or a new one; its webhook URL set to {@code url}. */
  synchronized Credentials ensure(String name, String webhookUrl) {
    Map<String, Credentials> known = read();
    Credentials existing = known.get(name);
    if (existing != null && merchants.findById(existing.merchantId()).isPresent()) {
      // Ports may differ from the last run.
      merchants.updateWebhookUrl(existing.merchantId(), webhookUrl);
      return existing;
    }
    var created = onboarding.create(name, webhookUrl, null);
    Credentials credentials =
        new Credentials(created.merchantId(), created.apiKey(), created.webhookSecret());
    known.put(name, credentials);
    write(known);
    return credentials;
  }

  private Map<String, Credentials> read() {
    if (!Files.exists(file)) {
      return new LinkedHashMap<>();
    }
    try {
      return MAPPER.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Credentials>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private void write(Map<String, Credentials> known) {
    try {
      MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), known);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
