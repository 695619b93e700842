package io.durapay.api.testing;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.durapay.api.DurapayConfiguration;
import io.durapay.api.merchants.MerchantOnboarding;
import io.durapay.apiclient.ApiClient;
import io.durapay.store.testing.PostgresExtension;
import io.durapay.store.testing.TemporalServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The whole API for an integration test, as one extension: WireMock standing in for SNS, the test
 * class's own PostgreSQL database, the real Temporal dev server when the test asks for it, and the
 * app on {@code test-config.yml} (free ports) wired to all three. They start in that order and stop
 * in the reverse one, with one declaration:
 *
 * <pre>{@code
 * @RegisterExtension static final ApiUnderTest API = ApiUnderTest.of(overrides...);
 * }</pre>
 */
public final class ApiUnderTest
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  private final WireMockExtension sns = TestApp.sns();
  private final PostgresExtension postgres = new PostgresExtension();
  private final TemporalServer temporal;
  private final DropwizardAppExtension<DurapayConfiguration> app;

  private ApiUnderTest(String configFile, boolean withTemporal, ConfigOverride... overrides) {
    this.temporal = withTemporal ? new TemporalServer() : null;
    List<ConfigOverride> all = new ArrayList<>();
    if (withTemporal) {
      all.add(ConfigOverride.config("temporal.target", temporal::target));
    }
    all.addAll(List.of(overrides));
    this.app = TestApp.app(configFile, postgres, sns, all.toArray(ConfigOverride[]::new));
  }

  /** The app with these overrides of {@code test-config.yml}; no Temporal runs. */
  public static ApiUnderTest of(ConfigOverride... overrides) {
    return new ApiUnderTest(ResourceHelpers.resourceFilePath("test-config.yml"), false, overrides);
  }

  /** As {@link #of}, with the Temporal dev server the app's {@code temporal.target} points at. */
  public static ApiUnderTest withTemporal(ConfigOverride... overrides) {
    return new ApiUnderTest(ResourceHelpers.resourceFilePath("test-config.yml"), true, overrides);
  }

  /** The app on another configuration file (production's config.yml, say); no Temporal runs. */
  public static ApiUnderTest onConfig(String configFile, ConfigOverride... overrides) {
    return new ApiUnderTest(configFile, false, overrides);
  }

  public WireMockExtension sns() {
    return sns;
  }

  public PostgresExtension postgres() {
    return postgres;
  }

  public TemporalServer temporal() {
    if (temporal == null) {
      throw new IllegalStateException("this test runs no Temporal: use ApiUnderTest.withTemporal");
    }
    return temporal;
  }

  public DropwizardAppExtension<DurapayConfiguration> app() {
    return app;
  }

  /** A client of the app's API port. */
  public ApiClient client() {
    return new ApiClient(app.getLocalPort());
  }

  /** SNS accepts every publish. */
  public void acceptPublishes() {
    TestApp.acceptPublishes(sns);
  }

  /** Onboards merchants straight into the test database. */
  public MerchantOnboarding onboarding() {
    return TestApp.onboarding(postgres);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    sns.beforeAll(context);
    postgres.beforeAll(context);
    if (temporal != null) {
      temporal.beforeAll(context);
    }
    app.beforeAll(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    sns.beforeEach(context);
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    sns.afterEach(context);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      app.afterAll(context);
    } finally {
      try {
        if (temporal != null) {
          temporal.afterAll(context);
        }
      } finally {
        sns.afterAll(context);
      }
    }
  }
}
