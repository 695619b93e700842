package io.durapay.bench;

import io.dropwizard.testing.DropwizardTestSupport;
import io.durapay.api.DurapayApplication;
import io.durapay.api.DurapayConfiguration;
import io.durapay.devstack.BenchConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** The API application as deployed (devstack's config), on the rig, and a client of it. */
final class Api implements AutoCloseable {
  private static final String BODY = "{\"amount\":1999,\"currency\":\"EUR\",\"paymentMethod\":\"pm_card_visa\"}";
  private final DropwizardTestSupport<DurapayConfiguration> app;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI payments;
  private final String apiKey;

  Api(Rig rig, Map<String, String> extra) throws Exception {
    Map<String, String> values = rig.values();
    values.putAll(extra);
    var config = BenchConfigs.api(values, rig.dir.resolve("api-" + System.nanoTime() + ".yml"));
    app = new DropwizardTestSupport<>(DurapayApplication.class, config.toString());
    app.before();
    payments = URI.create("http://127.0.0.1:" + app.getLocalPort() + "/v1/payments");
    apiKey = rig.merchant.apiKey();
  }

  /** A POST of one 19.99 EUR card payment under a fresh Idempotency-Key. */
  static HttpRequest paymentRequest(URI payments, String apiKey) {
    return HttpRequest.newBuilder(payments)
        .header("Authorization", "Bearer " + apiKey)
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(BODY))
        .build();
  }

  /** POSTs one payment; returns its status code. */
  int post() throws Exception {
    HttpRequest request = paymentRequest(payments, apiKey);
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (java.io.IOException e) {
      // A kept-alive connection the server closed meanwhile: counted as an error, not retried.
      return -1;
    }
  }

  @Override
  public void close() {
    app.after();
  }
}
