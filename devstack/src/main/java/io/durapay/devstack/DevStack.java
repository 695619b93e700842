package io.durapay.devstack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import io.durapay.api.DurapayApplication;
import io.durapay.api.merchants.MerchantOnboarding;
import io.durapay.store.MerchantDao;
import io.durapay.store.Store;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs durapay on loopback in one JVM, with nothing installed but a JDK: PostgreSQL from zonky's
 * embedded binaries (data kept under {@code .devstack/}, so a restart keeps every payment), a
 * stand-in for SNS that accepts Publish calls, and the API. Prints a merchant's API key to try it.
 *
 * <p>The API reads the same environment variables as in production (see {@code
 * api-service/config.yml}), except the database URL and SNS endpoint, which the devstack sets to
 * its own PostgreSQL and SNS stand-in.
 */
public final class DevStack {
  private static final Logger LOG = LoggerFactory.getLogger(DevStack.class);
  static final String PUBLISH_OK =
      "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult>"
          + "<MessageId>{{randomValue type='UUID'}}</MessageId></PublishResult>"
          + "<ResponseMetadata><RequestId>{{randomValue type='UUID'}}</RequestId>"
          + "</ResponseMetadata></PublishResponse>";

  private DevStack() {}

  public static void main(String[] args) throws Exception {
    Path home = Path.of(System.getenv().getOrDefault("DEVSTACK_HOME", ".devstack"));
    Files.createDirectories(home);
    int apiPort = Integer.parseInt(System.getenv().getOrDefault("API_PORT", "8080"));
    int adminPort = Integer.parseInt(System.getenv().getOrDefault("ADMIN_PORT", "8081"));

    EmbeddedPostgres postgres = startPostgres(home.resolve("postgres"));
    WireMockServer sns = startSnsStandIn();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stopQuietly(postgres, sns)));

    String jdbcUrl = postgres.getJdbcUrl("postgres", "postgres");
    Store.migrate(postgres.getPostgresDatabase());
    String apiKey = demoMerchantKey(postgres, home);

    Path config = home.resolve("api-config.yml");
    try (InputStream template = DevStack.class.getResourceAsStream("/devstack-api.yml")) {
      Files.write(config, template.readAllBytes());
    }
    System.setProperty("dw.database.url", jdbcUrl);
    System.setProperty("dw.sns.endpoint", sns.baseUrl());
    System.setProperty("dw.server.applicationConnectors[0].port", String.valueOf(apiPort));
    System.setProperty("dw.server.adminConnectors[0].port", String.valueOf(adminPort));

    new DurapayApplication().run("server", config.toString());

    String base = "http://127.0.0.1:" + apiPort;
    System.out.println();
    System.out.println("durapay devstack is up");
    System.out.println("  API         " + base + "   (OpenAPI: " + base + "/v1/openapi.yaml)");
    System.out.println("  admin       http://127.0.0.1:" + adminPort + "/healthcheck");
    System.out.println("  PostgreSQL  " + jdbcUrl + "   (data in " + home.resolve("postgres") + ")");
    System.out.println("  SNS         " + sns.baseUrl() + "   (stand-in: accepts Publish)");
    System.out.println("  API key     " + apiKey);
    System.out.println();
    System.out.println("Try:");
    System.out.println("  curl -s " + base + "/v1/payments -H 'Authorization: Bearer " + apiKey
        + "' -H 'Idempotency-Key: " + UUID.randomUUID() + "' -H 'Content-Type: application/json'"
        + " -d '{\"amount\":1999,\"currency\":\"EUR\",\"paymentMethod\":\"pm_card_visa\"}'");
    System.out.println("Stop with Ctrl-C.");
  }

  private static EmbeddedPostgres startPostgres(Path dataDirectory) throws IOException {
    LOG.info("starting PostgreSQL with data in {}", dataDirectory);
    return EmbeddedPostgres.builder()
        .setDataDirectory(dataDirectory)
        .setCleanDataDirectory(false)
        .start();
  }

  private static WireMockServer startSnsStandIn() {
    WireMockServer sns =
        new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")
            .globalTemplating(true).notifier(new ConsoleNotifier(false)));
    sns.start();
    sns.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(200).withBody(PUBLISH_OK)));
    return sns;
  }

  /**
   * The demo merchant's key is issued once and kept in {@code .devstack/demo-api-key}, as a
   * merchant would keep it; only its hash is in the database.
   */
  private static String demoMerchantKey(EmbeddedPostgres postgres, Path home) throws IOException {
    Path keyFile = home.resolve("demo-api-key");
    if (Files.exists(keyFile)) {
      return Files.readString(keyFile, StandardCharsets.UTF_8).trim();
    }
    var onboarding =
        new MerchantOnboarding(Store.jdbi(postgres.getPostgresDatabase()).onDemand(MerchantDao.class));
    var merchant = onboarding.create("Demo merchant", null, null);
    Files.writeString(keyFile, merchant.apiKey(), StandardCharsets.UTF_8);
    return merchant.apiKey();
  }

  private static void stopQuietly(EmbeddedPostgres postgres, WireMockServer sns) {
    sns.stop();
    try {
      postgres.close();
    } catch (IOException e) {
      LOG.warn("PostgreSQL did not stop cleanly: {}", e.toString());
    }
  }
}
