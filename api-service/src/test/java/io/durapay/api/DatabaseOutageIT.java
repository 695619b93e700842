package io.durapay.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dropwizard.testing.ConfigOverride;
import io.durapay.api.merchants.NewMerchantCredentials;
import io.durapay.apiclient.ApiClient.Reply;
import io.durapay.api.testing.ApiUnderTest;
import io.durapay.api.testing.ErrorCatalogue;
import io.durapay.apiclient.ApiClient;
import io.durapay.store.testing.PostgresExtension;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What every operation answers when the database fails it, as the OpenAPI document says: 503
 * {@code service_unavailable} with {@code Retry-After} while PostgreSQL cannot be reached (and the
 * API back by itself once it can), 500 {@code internal_error} with nothing but an error id when
 * PostgreSQL refuses a statement. Neither changes anything.
 */
class DatabaseOutageIT {
  @RegisterExtension
  static final ApiUnderTest API = ApiUnderTest.of(
      // No Temporal runs here: cancel would wait for it only after the database has answered.
      ConfigOverride.config("temporal.queryTimeoutMillis", "500"));

  private static final String BODY =
      "{\"amount\":1999,\"currency\":\"EUR\",\"paymentMethod\":\"pm_card_visa\"}";
  private static final List<String> TABLES =
      List.of("payments", "idempotency_records", "outbox", "merchants", "webhook_redeliveries");

  private static ApiClient api;
  private static NewMerchantCredentials merchant;
  private static String paymentId;
  private static ErrorCatalogue documented;

  @BeforeAll
  static void setUp() {
    API.acceptPublishes();
    api = API.client();
    merchant = API.onboarding().create("Outage shop", "https://outage.example/hooks", null);
    Reply created = create(UUID.randomUUID().toString());
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    paymentId = created.json().get("id").asText();
    documented = ErrorCatalogue.served(api);
  }

  /** A valid request of every operation that needs a key, by operationId. */
  private static Map<String, Supplier<Reply>> everyOperation(String idempotencyKey) {
    Map<String, Supplier<Reply>> requests = new LinkedHashMap<>();
    requests.put("createPayment", () -> create(idempotencyKey));
    requests.put("listPayments", () -> send("GET", "/v1/payments"));
    requests.put("getPayment", () -> send("GET", "/v1/payments/" + paymentId));
    requests.put("cancelPayment", () -> send("POST", "/v1/payments/" + paymentId + "/cancel"));
    requests.put("getPaymentTimeline", () -> send("GET", "/v1/payments/" + paymentId + "/timeline"));
    requests.put("listEvents", () -> send("GET", "/v1/events"));
    requests.put("getWebhookEndpoint", () -> send("GET", "/v1/webhook_endpoint"));
    requests.put("rotateWebhookSecret", () -> send("POST", "/v1/webhook_endpoint/rotate_secret"));
    requests.put("enableWebhookEndpoint", () -> send("POST", "/v1/webhook_endpoint/enable"));
    assertThat(requests.keySet()).as("every operation with a key is tried here")
        .containsExactlyInAnyOrderElementsOf(documented.securedOperations());
    return requests;
  }

  @Test
  void whilePostgresIsUnreachableEveryOperationAnswers503AndTheApiRecoversByItself() throws Exception {
    Map<String, Long> before = counts();
    String key = UUID.randomUUID().toString();
    Map<String, Supplier<Reply>> operations = everyOperation(key);

    try (PostgresExtension.Outage outage = API.postgres().cutOff()) {
      operations.forEach((operation, request) -> {
        Reply reply = request.get();

        assertThat(reply.status()).as("%s: %s", operation, reply.body()).isEqualTo(503);
        assertThat(reply.error("code")).isEqualTo("service_unavailable");
        assertThat(reply.header("Retry-After")).as(operation).isEqualTo("1");
        assertThat(documented.codes(operation, 503)).as(operation).contains("service_unavailable");
      });
    }

    assertThat(counts()).as("nothing was written").isEqualTo(before);
    // Back by itself: each operation answers again, with no restart (pooled connections the
    // outage ended are replaced). Cancel still needs Temporal, which this test does not run.
    operations.forEach((operation, request) -> {
      if (!operation.equals("cancelPayment")) {
        await().atMost(Duration.ofSeconds(30)).until(() -> request.get().status() / 100 == 2);
      }
    });
    // The create refused during the outage, retried with its key, made exactly one payment.
    Reply retried = create(key);
    assertThat(retried.status()).as(retried.body()).isEqualTo(201);
    assertThat(retried.json().get("id").asText()).isNotEqualTo(paymentId);
    assertThat(API.postgres().count("payments")).isEqualTo(before.get("payments") + 1);
  }

  @Test
  void aStatementPostgresRefusesIsA500WithAnErrorIdAndNothingElse() {
    Map<String, Long> before = counts();
    Map<String, Supplier<Reply>> operations = everyOperation(UUID.randomUUID().toString());

    // Every operation reads the merchant first; the table is briefly not where the code looks.
    API.postgres().jdbi().useHandle(h -> h.execute("ALTER TABLE merchants RENAME TO merchants_elsewhere"));
    try {
      operations.forEach((operation, request) -> {
        Reply reply = request.get();

        assertThat(reply.status()).as("%s: %s", operation, reply.body()).isEqualTo(500);
        assertThat(reply.error("code")).isEqualTo("internal_error");
        assertThat(reply.error("message"))
            .matches("Something went wrong on our side \\(error id [0-9a-f-]{36}\\)\\.");
        assertThat(reply.body()).doesNotContainIgnoringCase("merchants").doesNotContainIgnoringCase("sql");
        assertThat(documented.codes(operation, 500)).as(operation).contains("internal_error");
      });
    } finally {
      API.postgres().jdbi().useHandle(h -> h.execute("ALTER TABLE merchants_elsewhere RENAME TO merchants"));
    }

    assertThat(counts()).as("nothing was written").isEqualTo(before);
  }

  private static Reply create(String idempotencyKey) {
    return api.request("POST", "/v1/payments").bearer(merchant.apiKey())
        .header("Idempotency-Key", idempotencyKey).json(BODY).send();
  }

  private static Reply send(String method, String path) {
    return api.request(method, path).bearer(merchant.apiKey()).send();
  }

  private static Map<String, Long> counts() {
    Map<String, Long> counts = new LinkedHashMap<>();
    TABLES.forEach(table -> counts.put(table, API.postgres().count(table)));
    return counts;
  }
}
