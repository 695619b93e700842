package io.durapay.api.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.durapay.api.DurapayApplication;
import io.durapay.api.DurapayConfiguration;
import io.durapay.api.merchants.MerchantOnboarding;
import io.durapay.store.MerchantDao;
import io.durapay.store.testing.PostgresExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts {@link ApiUnderTest} puts together (the API on {@code test-config.yml} on free ports,
 * WireMock standing in for SNS), for the few tests that need them apart: two app instances on one
 * database, say. Register them in that order: SNS, PostgreSQL, then the app.
 */
public final class TestApp {
  private TestApp() {}

  /** WireMock on a free port, its stubs kept for every test of the class. */
  public static WireMockExtension sns() {
    return WireMockExtension.newInstance()
        .options(wireMockConfig().dynamicPort().extensions(new SnsAnswers()))
        .resetOnEachTest(false)
        .build();
  }

  /** The app on {@code postgres}, publishing to {@code sns}, with any further overrides. */
  public static DropwizardAppExtension<DurapayConfiguration> app(
      PostgresExtension postgres, WireMockExtension sns, ConfigOverride... overrides) {
    return app(ResourceHelpers.resourceFilePath("test-config.yml"), postgres, sns, overrides);
  }

  /** The app on another configuration file (production's config.yml, say). */
  public static DropwizardAppExtension<DurapayConfiguration> app(
      String configFile, PostgresExtension postgres, WireMockExtension sns, ConfigOverride... overrides) {
    List<ConfigOverride> all = new ArrayList<>();
    all.add(ConfigOverride.config("database.url", postgres::jdbcUrl));
    all.add(ConfigOverride.config("database.user", postgres::user));
    all.add(ConfigOverride.config("database.password", postgres::password));
    all.add(ConfigOverride.config("sns.endpoint", sns::baseUrl));
    all.addAll(List.of(overrides));
    return new DropwizardAppExtension<>(DurapayApplication.class, configFile, all.toArray(ConfigOverride[]::new));
  }

  /** SNS accepts every Publish and every entry of every PublishBatch. */
  public static void acceptPublishes(WireMockExtension sns) {
    sns.stubFor(post(urlEqualTo("/")).willReturn(SnsAnswers.accept()));
  }

  /** A new folder for a test's log files (its class's static fields name it before the app starts). */
  public static Path logDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Onboards merchants straight into the test database. */
  public static MerchantOnboarding onboarding(PostgresExtension postgres) {
    return new MerchantOnboarding(postgres.jdbi().onDemand(MerchantDao.class));
  }
}
