package io.durapay.api;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.durapay.api.merchants.MerchantOnboarding;
import io.durapay.api.testing.Operator;
import io.durapay.apiclient.ApiClient.Reply;
import io.durapay.api.testing.ApiUnderTest;
import io.durapay.apiclient.ApiClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole API over real HTTP, on real PostgreSQL, publishing to SNS (WireMock on the wire). */
class PaymentsApiIT {
  @RegisterExtension
  static final ApiUnderTest API = ApiUnderTest.of();

  private static ApiClient api;
  private static String apiKey;
  private static String merchantId;

  @BeforeAll
  static void setUp() {
    API.acceptPublishes();
    api = API.client();
    var merchant = onboarding().create("Acme Coffee", "https://merchant.example/webhooks", null);
    apiKey = merchant.apiKey();
    merchantId = merchant.merchantId();
  }

  static MerchantOnboarding onboarding() {
    return API.onboarding();
  }

  static String body(long amount) {
    return "{\"amount\":" + amount + ",\"currency\":\"eur\",\"paymentMethod\":\"pm_card_visa\","
        + "\"description\":\"Order 1001\",\"metadata\":{\"orderId\":\"1001\"}}";
  }

  Reply create(String key, String idempotencyKey, String json) {
    return api.request("POST", "/v1/payments")
        .bearer(key)
        .header("Idempotency-Key", idempotencyKey)
        .json(json)
        .send();
  }

  @Test
  void initiatesAPaymentAndPublishesItsEventToSns() {
    Reply created =
        api.request("POST", "/v1/payments")
            .bearer(apiKey)
            .header("Idempotency-Key", UUID.randomUUID().toString())
            .header("X-Correlation-Id", "corr-initiate-1")
            .json(body(2500))
            .send();

    assertThat(created.status()).isEqualTo(201);
    JsonNode payment = created.json();
    String id = payment.get("id").asText();
    assertThat(id).matches("pay_[0-9A-Z]{26}");
    assertThat(payment.get("status").asText()).isEqualTo("initiated");
    assertThat(payment.get("amount").asLong()).isEqualTo(2500);
    assertThat(payment.get("currency").asText()).isEqualTo("EUR");
    assertThat(payment.get("metadata").get("orderId").asText()).isEqualTo("1001");
    assertThat(payment.get("correlationId").asText()).isEqualTo("corr-initiate-1");
    assertThat(payment.has("failureCode")).isTrue();
    assertThat(payment.get("createdAt").asText()).endsWith("Z");
    assertThat(created.header("X-Correlation-Id")).isEqualTo("corr-initiate-1");
    assertThat(created.header("Idempotent-Replayed")).isNull();

    Reply read = api.request("GET", "/v1/payments/" + id).bearer(apiKey).send();
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json()).isEqualTo(payment);

    // The event reaches SNS with its type and correlation id as message attributes.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                API.sns().verify(
                    postRequestedFor(urlEqualTo("/"))
                        .withRequestBody(containing("Action=Publish"))
                        .withRequestBody(containing(URLEncoder.encode(id, StandardCharsets.UTF_8)))
                        .withRequestBody(containing("StringValue=payment.initiated"))
                        .withRequestBody(containing("StringValue=corr-initiate-1"))));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                API.postgres().jdbi().withHandle(h -> h.select(
                        "SELECT published_at IS NOT NULL FROM outbox WHERE aggregate_id = ?", id)
                    .mapTo(Boolean.class).one()));
  }

  @Test
  void aRetryWithTheSameKeyAndBodyReplaysTheStoredResponse() {
    String key = UUID.randomUUID().toString();
    Reply first = create(apiKey, key, body(1200));
    // The same request, formatted differently, is still the same request.
    Reply second =
        create(apiKey, key, "{ \"metadata\": {\"orderId\":\"1001\"}, \"description\":\"Order 1001\","
            + " \"paymentMethod\":\"pm_card_visa\", \"currency\":\"EUR\", \"amount\": 1200 }");

    assertThat(first.status()).isEqualTo(201);
    assertThat(second.status()).isEqualTo(201);
    assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(second.body()).isEqualTo(first.body());
    String id = first.json().get("id").asText();
    assertThat(countWhere("payments", "id = '" + id + "'")).isEqualTo(1);
    assertThat(countWhere("outbox", "aggregate_id = '" + id + "'")).isEqualTo(1);
  }

  /**
   * What a request sent comes back exactly, but never as markup: {@code <}, {@code >} and
   * {@code &} are JSON-escaped in every answer that quotes it (Schemathesis run by HostileInputIT
   * checks this for all generated input; this is the case it found).
   */
  @Test
  void textThatCouldBeMarkupComesBackEscaped() {
    String markup = "<script>alert('a & b')</script>";
    Reply created = create(apiKey, UUID.randomUUID().toString(),
        body(1300).replace("Order 1001", markup));
    Reply read = api.request("GET", "/v1/payments/" + created.json().get("id").asText()).bearer(apiKey).send();
    Reply refused = create(apiKey, UUID.randomUUID().toString(), body(1300).replace("\"eur\"", "\"<b>\""));

    assertThat(created.status()).isEqualTo(201);
    assertThat(refused.status()).isEqualTo(400);
    for (Reply reply : List.of(created, read)) {
      assertThat(reply.json().get("description").asText()).isEqualTo(markup);
      assertThat(reply.body()).doesNotContain("<", ">", "&").contains("\\u003Cscript\\u003E");
    }
    assertThat(refused.error("message")).contains("'<b>'");
    assertThat(refused.body()).doesNotContain("<b>").contains("\\u003Cb\\u003E");
  }

  @Test
  void theSameKeyWithAnotherBodyIsRefused() {
    String key = UUID.randomUUID().toString();
    create(apiKey, key, body(1200));
    long paymentsBefore = API.postgres().count("payments");

    Reply reused = create(apiKey, key, body(1300));

    assertThat(reused.status()).isEqualTo(422);
    assertThat(reused.error("type")).isEqualTo("idempotency_error");
    assertThat(reused.error("param")).isEqualTo("Idempotency-Key");
    assertThat(API.postgres().count("payments")).isEqualTo(paymentsBefore);
  }

  @Test
  void concurrentRequestsWithOneKeyMakeOnePayment() throws Exception {
    var merchant = onboarding().create("Concurrent shop", null, null);
    String key = UUID.randomUUID().toString();
    int clients = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        Callable<Reply> call =
            () -> {
              start.await();
              return create(merchant.apiKey(), key, body(4200));
            };
        replies.add(pool.submit(call));
      }
      start.countDown();
      List<Reply> results = new ArrayList<>();
      for (Future<Reply> reply : replies) {
        results.add(reply.get());
      }

      assertThat(results).extracting(Reply::status).allMatch(s -> s == 201 || s == 409);
      assertThat(results).extracting(Reply::status).contains(201);
      // Every 201 is the same payment: the original or its replay.
      assertThat(results.stream().filter(r -> r.status() == 201).map(r -> r.json().get("id")))
          .hasSize((int) results.stream().filter(r -> r.status() == 201).count())
          .allMatch(id -> id.equals(results.stream().filter(r -> r.status() == 201)
              .findFirst().orElseThrow().json().get("id")));
      results.stream()
          .filter(r -> r.status() == 409)
          .forEach(r -> assertThat(r.error("type")).isEqualTo("idempotency_error"));
      assertThat(countWhere("payments", "merchant_id = '" + merchant.merchantId() + "'"))
          .isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anotherMerchantsPaymentIsNotFound() {
    String id = create(apiKey, UUID.randomUUID().toString(), body(700)).json().get("id").asText();
    var other = onboarding().create("Other shop", null, null);

    Reply read = api.request("GET", "/v1/payments/" + id).bearer(other.apiKey()).send();
    Reply list = api.request("GET", "/v1/payments").bearer(other.apiKey()).send();

    assertThat(read.status()).isEqualTo(404);
    assertThat(read.error("type")).isEqualTo("not_found_error");
    assertThat(list.json().get("data")).isEmpty();
  }

  @Test
  void listsNewestFirstPageByPage() {
    var shop = onboarding().create("Lister", null, null);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(create(shop.apiKey(), UUID.randomUUID().toString(), body(100 + i))
          .json().get("id").asText());
    }

    Reply page1 = api.request("GET", "/v1/payments?limit=2").bearer(shop.apiKey()).send();
    String cursor = page1.json().get("data").get(1).get("id").asText();
    Reply page2 =
        api.request("GET", "/v1/payments?limit=2&startingAfter=" + cursor).bearer(shop.apiKey()).send();
    Reply initiated =
        api.request("GET", "/v1/payments?status=initiated&limit=100").bearer(shop.apiKey()).send();
    Reply completed = api.request("GET", "/v1/payments?status=completed").bearer(shop.apiKey()).send();

    assertThat(page1.status()).isEqualTo(200);
    assertThat(page1.json().get("data")).extracting(n -> n.get("id").asText())
        .containsExactly(ids.get(2), ids.get(1));
    assertThat(page1.json().get("hasMore").asBoolean()).isTrue();
    assertThat(page2.json().get("data")).extracting(n -> n.get("id").asText())
        .containsExactly(ids.get(0));
    assertThat(page2.json().get("hasMore").asBoolean()).isFalse();
    assertThat(initiated.json().get("data")).hasSize(3);
    assertThat(completed.json().get("data")).isEmpty();
  }

  @Test
  void aCorrelationIdIsGeneratedWhenMissingAndTravelsWithTheEvent() {
    Reply created = create(apiKey, UUID.randomUUID().toString(), body(900));

    String correlationId = created.header("X-Correlation-Id");
    assertThat(correlationId).matches("[0-9a-f-]{36}");
    assertThat(created.json().get("correlationId").asText()).isEqualTo(correlationId);
    String id = created.json().get("id").asText();
    String payload =
        API.postgres().jdbi().withHandle(h -> h.select("SELECT payload FROM outbox WHERE aggregate_id = ?", id)
            .mapTo(String.class).one());
    assertThat(payload).contains("\"correlationId\":\"" + correlationId + "\"")
        .contains("\"type\":\"payment.initiated\"");
  }

  @Test
  void frameworkErrorsHaveTheCommonShape() {
    Reply unknownRoute = api.request("GET", "/v1/nothing-here").bearer(apiKey).send();
    Reply wrongMethod = api.request("DELETE", "/v1/payments").bearer(apiKey).send();

    assertThat(unknownRoute.status()).isEqualTo(404);
    assertThat(unknownRoute.error("type")).isEqualTo("not_found_error");
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.error("code")).isEqualTo("method_not_allowed");
  }

  @Test
  void adminPortReportsDatabaseAndOutboxHealth() {
    ApiClient admin = new ApiClient(API.app().getAdminPort());

    Reply health = admin.request("GET", "/healthcheck").send();

    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().get("postgresql").get("healthy").asBoolean()).isTrue();
    assertThat(health.json().get("outbox").get("healthy").asBoolean()).isTrue();
  }

  @Test
  void aMerchantCreatedByTheAdminTaskCanPay() {
    ApiClient admin = new ApiClient(API.app().getAdminPort());

    Reply task =
        admin.request("POST", "/tasks/create-merchant?name=Task%20Shop&webhookUrl="
                + URLEncoder.encode("https://shop.example/hooks", StandardCharsets.UTF_8))
            .header("Authorization", Operator.basic()).send();

    assertThat(task.status()).isEqualTo(200);
    String key = task.body().lines().filter(l -> l.contains("dp_"))
        .map(l -> l.substring(l.indexOf("dp_")).trim()).findFirst().orElseThrow();
    assertThat(create(key, UUID.randomUUID().toString(), body(100)).status()).isEqualTo(201);
  }

  static long countWhere(String table, String condition) {
    return API.postgres().jdbi().withHandle(
        h -> h.select("SELECT count(*) FROM " + table + " WHERE " + condition)
            .mapTo(Long.class).one());
  }
}
