package io.durapay.bench;

import io.dropwizard.testing.DropwizardTestSupport;
import io.durapay.api.DurapayApplication;
import io.durapay.api.DurapayConfiguration;
import io.durapay.apiclient.ApiClient;
import io.durapay.devstack.BenchConfigs;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.UUID;

/** The API application as deployed (devstack's config), on the rig, and a client of it. */
final class Api implements AutoCloseable {
  private static final String BODY = "{\"amount\":1999,\"currency\":\"EUR\",\"paymentMethod\":\"pm_card_visa\"}";
  private final DropwizardTestSupport<DurapayConfiguration> app;
  private final ApiClient client;
  private final String apiKey;

  Api(Rig rig, Map<String, String> extra) throws Exception {
    Map<String, String> values = rig.values();
    values.putAll(extra);
    var config = BenchConfigs.api(values, rig.dir.resolve("api-" + System.nanoTime() + ".yml"));
    app = new DropwizardTestSupport<>(DurapayApplication.class, config.toString());
    app.before();
    client = new ApiClient(app.getLocalPort());
    apiKey = rig.merchant.apiKey();
  }

  /** A POST of one 19.99 EUR card payment under a fresh Idempotency-Key; the answer. */
  static ApiClient.Reply postPayment(ApiClient client, String apiKey) {
    return client.request("POST", "/v1/payments").bearer(apiKey)
        .header("Idempotency-Key", UUID.randomUUID().toString()).json(BODY).send();
  }

  /** POSTs one payment; returns its status code. */
  int post() {
    try {
      return postPayment(client, apiKey).status();
    } catch (UncheckedIOException e) {
      // No answer (a kept-alive connection the server closed meanwhile, twice): counted as an
      // error, not retried.
      return -1;
    }
  }

  @Override
  public void close() {
    app.after();
  }
}
