package io.durapay.bench;

import io.durapay.api.merchants.MerchantOnboarding;
import io.durapay.api.merchants.NewMerchantCredentials;
import io.durapay.devstack.gateway.GatewaySimulator;
import io.durapay.devstack.webhooks.WebhookReceiver;
import io.durapay.store.MerchantDao;
import io.durapay.store.Store;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * What the end-to-end benchmarks share: zonky PostgreSQL (migrated), Temporal ({@code temporal=dev}
 * or {@code test}, see {@link TemporalServer}), the devstack's zero-latency gateway simulator
 * (WireMock) and webhook receiver, and one
 * merchant whose webhooks go to that receiver.
 */
final class Rig implements AutoCloseable {
  static final String GATEWAY_KEY = "sk_test_bench";

  final EmbeddedPostgres postgres;
  final Jdbi jdbi;
  final TemporalServer temporal;
  final GatewaySimulator gateway;
  final WebhookReceiver webhooks;
  final NewMerchantCredentials merchant;
  final Path dir;

  Rig(Options options) throws Exception {
    dir = Files.createTempDirectory("durapay-bench");
    postgres = EmbeddedPostgres.builder().start();
    Store.migrate(postgres.getPostgresDatabase());
    jdbi = Store.jdbi(postgres.getPostgresDatabase());
    temporal = TemporalServer.of(options);
    gateway = new GatewaySimulator(new GatewaySimulator.Settings(0, GATEWAY_KEY, 0, Duration.ofSeconds(3), Duration.ZERO));
    gateway.start();
    webhooks = new WebhookReceiver(0);
    webhooks.start();
    merchant = new MerchantOnboarding(jdbi.onDemand(MerchantDao.class))
        .create("Bench merchant", webhooks.url("/hooks/bench"), null);
    webhooks.register("/hooks/bench", merchant.webhookSecret());
  }

  /** The settings every service reads, pointing at this rig. */
  Map<String, String> values() {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("DATABASE_URL", postgres.getJdbcUrl("postgres", "postgres"));
    values.put("DATABASE_USER", "postgres");
    values.put("DATABASE_PASSWORD", "");
    values.put("TEMPORAL_ADDRESS", temporal.target());
    values.put("TEMPORAL_NAMESPACE", "default");
    values.put("GATEWAY_URL", gateway.baseUrl());
    values.put("GATEWAY_SECRET_KEY", GATEWAY_KEY);
    values.put("WEBHOOKS_ALLOW_LOOPBACK", "true");
    values.put("WORKER_ADMIN_PORT", "0");
    values.put("API_PORT", "0");
    values.put("ADMIN_PORT", "0");
    // The services' logs go to the rig's folder; the console shows warnings and errors only.
    values.put("LOG_FILE", dir.resolve("services.log").toString());
    values.put("CONSOLE_LOG_THRESHOLD", "WARN");
    return values;
  }

  long databaseSizeMb() {
    return jdbi.withHandle(h -> h.select("SELECT pg_database_size(current_database())").mapTo(Long.class).one()) >> 20;
  }

  @Override
  public void close() throws Exception {
    webhooks.stop();
    gateway.stop();
    temporal.close();
    postgres.close();
  }
}
