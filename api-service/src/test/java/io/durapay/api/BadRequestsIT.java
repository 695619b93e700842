package io.durapay.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.durapay.apiclient.ApiClient.Reply;
import io.durapay.api.testing.ApiUnderTest;
import io.durapay.api.testing.ErrorCatalogue;
import io.durapay.apiclient.ApiClient;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad request gets a clear error that names the problem, and changes nothing: no payment,
 * no idempotency record, no outbox event.
 */
class BadRequestsIT {
  @RegisterExtension
  static final ApiUnderTest API = ApiUnderTest.of();

  private static ApiClient api;
  private static String apiKey;
  private static ErrorCatalogue documented;

  @BeforeAll
  static void setUp() {
    API.acceptPublishes();
    api = API.client();
    apiKey = API.onboarding().create("Bad requests shop", null, null).apiKey();
    documented = ErrorCatalogue.served(api);
  }

  /** One bad request: how to send it, and the status and {@code param} it must get. */
  record Case(String name, Function<ApiClient, Reply> send, int status, String type, String param) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Reply postWith(ApiClient client, String json) {
    return client.request("POST", "/v1/payments").bearer(apiKey)
        .header("Idempotency-Key", UUID.randomUUID().toString()).json(json).send();
  }

  static Case body(String name, String json, String param) {
    return new Case(name, c -> postWith(c, json), 400, "invalid_request_error", param);
  }

  static String valid(String field, String value) {
    String amount = field.equals("amount") ? value : "1000";
    String currency = field.equals("currency") ? value : "\"USD\"";
    String method = field.equals("paymentMethod") ? value : "\"pm_card_visa\"";
    String json = "{" + (amount == null ? "" : "\"amount\":" + amount + ",")
        + (currency == null ? "" : "\"currency\":" + currency + ",")
        + "\"paymentMethod\":" + method;
    if (field.equals("paymentMethod") && value == null) {
      json = json.replace(",\"paymentMethod\":null", "");
    }
    return json + "}";
  }

  static Stream<Arguments> badRequests() {
    String metadata51 = IntStream.range(0, 51).mapToObj(i -> "\"k" + i + "\":\"v\"")
        .collect(Collectors.joining(",", "{", "}"));
    Stream<Case> cases = Stream.of(
        new Case("no Authorization header",
            c -> c.request("POST", "/v1/payments").header("Idempotency-Key", "k1")
                .json(valid("", null)).send(), 401, "authentication_error", "Authorization"),
        new Case("Basic instead of Bearer",
            c -> c.request("POST", "/v1/payments").header("Authorization", "Basic dXNlcjpwYXNz")
                .header("Idempotency-Key", "k2").json(valid("", null)).send(),
            401, "authentication_error", "Authorization"),
        new Case("malformed key",
            c -> c.request("POST", "/v1/payments").bearer("not-a-key")
                .header("Idempotency-Key", "k3").json(valid("", null)).send(),
            401, "authentication_error", "Authorization"),
        new Case("unknown key of the right shape",
            c -> c.request("POST", "/v1/payments")
                .bearer("dp_0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
                .header("Idempotency-Key", "k4").json(valid("", null)).send(),
            401, "authentication_error", "Authorization"),
        new Case("right key id, wrong secret",
            c -> c.request("POST", "/v1/payments")
                .bearer(apiKey.substring(0, apiKey.length() - 1)
                    + (apiKey.endsWith("A") ? "B" : "A"))
                .header("Idempotency-Key", "k5").json(valid("", null)).send(),
            401, "authentication_error", "Authorization"),
        new Case("missing Idempotency-Key",
            c -> c.request("POST", "/v1/payments").bearer(apiKey).json(valid("", null)).send(),
            400, "invalid_request_error", "Idempotency-Key"),
        new Case("Idempotency-Key of 256 characters",
            c -> c.request("POST", "/v1/payments").bearer(apiKey)
                .header("Idempotency-Key", "x".repeat(256)).json(valid("", null)).send(),
            400, "invalid_request_error", "Idempotency-Key"),
        new Case("text/plain body",
            c -> c.request("POST", "/v1/payments").bearer(apiKey)
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(valid("", null).getBytes(StandardCharsets.UTF_8), "text/plain").send(),
            415, "invalid_request_error", "Content-Type"),
        new Case("body over 64 KiB",
            c -> postWith(c, "{\"amount\":1,\"currency\":\"USD\",\"paymentMethod\":\"pm_card_visa\","
                + "\"description\":\"" + "x".repeat(70_000) + "\"}"),
            413, "invalid_request_error", null),
        new Case("API key in the query string",
            c -> c.request("POST", "/v1/payments?api_key=" + apiKey).bearer(apiKey)
                .header("Idempotency-Key", UUID.randomUUID().toString()).json(valid("", null)).send(),
            400, "invalid_request_error", "api_key"),
        new Case("invalid X-Correlation-Id",
            c -> c.request("POST", "/v1/payments").bearer(apiKey)
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .header("X-Correlation-Id", "has spaces; and=things").json(valid("", null)).send(),
            400, "invalid_request_error", "X-Correlation-Id"),
        body("malformed JSON", "{\"amount\": 100, \"currency\":", null),
        body("empty body", "", null),
        body("JSON array", "[1,2,3]", null),
        body("unknown field", "{\"amount\":100,\"currency\":\"USD\",\"paymentMethod\":\"pm_card_visa\","
            + "\"cardNumber\":\"4242\"}", "cardNumber"),
        body("duplicate key", "{\"amount\":100,\"amount\":1,\"currency\":\"USD\","
            + "\"paymentMethod\":\"pm_card_visa\"}", "amount"),
        body("amount missing", valid("amount", null), "amount"),
        body("amount as string", valid("amount", "\"100\""), "amount"),
        body("amount with a fraction", valid("amount", "10.5"), "amount"),
        body("amount negative", valid("amount", "-1"), "amount"),
        body("amount zero", valid("amount", "0"), "amount"),
        body("amount beyond any integer", valid("amount", "99999999999999999999"), "amount"),
        body("amount over the configured maximum", valid("amount", "1000001"), "amount"),
        body("amount as boolean", valid("amount", "true"), "amount"),
        body("currency unknown", valid("currency", "\"ZZZ\""), "currency"),
        body("currency as number", valid("currency", "978"), "currency"),
        body("currency missing", valid("currency", null), "currency"),
        body("currency a precious metal", valid("currency", "\"XAU\""), "currency"),
        body("card number instead of a token", valid("paymentMethod", "\"4242424242424242\""),
            "paymentMethod"),
        body("token of the wrong shape", valid("paymentMethod", "\"pm_card visa\""), "paymentMethod"),
        body("paymentMethod missing", valid("paymentMethod", null), "paymentMethod"),
        body("description over 1000 characters", "{\"amount\":1,\"currency\":\"USD\","
            + "\"paymentMethod\":\"pm_card_visa\",\"description\":\"" + "d".repeat(1001) + "\"}",
            "description"),
        body("description not a string", "{\"amount\":1,\"currency\":\"USD\","
            + "\"paymentMethod\":\"pm_card_visa\",\"description\":5}", "description"),
        body("NUL character in description", "{\"amount\":1,\"currency\":\"USD\","
            + "\"paymentMethod\":\"pm_card_visa\",\"description\":\"a\\u0000b\"}", "description"),
        body("51 metadata keys", "{\"amount\":1,\"currency\":\"USD\","
            + "\"paymentMethod\":\"pm_card_visa\",\"metadata\":" + metadata51 + "}", "metadata"),
        body("metadata value not a string", "{\"amount\":1,\"currency\":\"USD\","
            + "\"paymentMethod\":\"pm_card_visa\",\"metadata\":{\"n\":5}}", "metadata[n]"),
        body("metadata nested object", "{\"amount\":1,\"currency\":\"USD\","
            + "\"paymentMethod\":\"pm_card_visa\",\"metadata\":{\"o\":{\"a\":\"b\"}}}", "metadata[o]"),
        body("empty metadata key", "{\"amount\":1,\"currency\":\"USD\","
            + "\"paymentMethod\":\"pm_card_visa\",\"metadata\":{\"\":\"v\"}}", "metadata[]"),
        body("metadata key over 40 characters", "{\"amount\":1,\"currency\":\"USD\","
            + "\"paymentMethod\":\"pm_card_visa\",\"metadata\":{\"" + "k".repeat(41) + "\":\"v\"}}",
            // A long key is shortened where it is echoed.
            "metadata[" + "k".repeat(40) + "…]"),
        body("card number in the description", "{\"amount\":1,\"currency\":\"USD\","
            + "\"paymentMethod\":\"pm_card_visa\",\"description\":\"card 4242-4242-4242-4242\"}",
            "description"),
        body("card number in a metadata value", "{\"amount\":1,\"currency\":\"USD\","
            + "\"paymentMethod\":\"pm_card_visa\",\"metadata\":{\"note\":\"5555 5555 5555 4444\"}}",
            "metadata[note]"),
        body("metadata value over 500 characters", "{\"amount\":1,\"currency\":\"USD\","
            + "\"paymentMethod\":\"pm_card_visa\",\"metadata\":{\"k\":\"" + "v".repeat(501) + "\"}}",
            "metadata[k]"));
    return cases.map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void isRefusedClearlyAndChangesNothing(Case badRequest) {
    long payments = API.postgres().count("payments");
    long records = API.postgres().count("idempotency_records");
    long events = API.postgres().count("outbox");

    Reply reply = badRequest.send().apply(api);

    assertThat(reply.status()).as(reply.body()).isEqualTo(badRequest.status());
    assertThat(reply.error("type")).as(reply.body()).isEqualTo(badRequest.type());
    assertThat(reply.error("param")).as(reply.body()).isEqualTo(badRequest.param());
    assertThat(reply.error("message")).as(reply.body()).isNotBlank();
    assertThat(documented.codes("createPayment", reply.status()))
        .as("the document lists the code of %s", reply.body()).contains(reply.error("code"));
    assertThat(API.postgres().count("payments")).isEqualTo(payments);
    assertThat(API.postgres().count("idempotency_records")).isEqualTo(records);
    assertThat(API.postgres().count("outbox")).isEqualTo(events);
  }

  /** The other direction: the document lists no code for a create that none of the cases gets. */
  @Test
  void everyCodeTheDocumentListsForABadCreateIsAnsweredToOneOfTheCases() {
    Set<String> listed = new TreeSet<>(documented.codes("createPayment", 400));
    listed.addAll(documented.codes("createPayment", 401));

    Set<String> answered = new TreeSet<>();
    badRequests().map(arguments -> (Case) arguments.get()[0])
        .map(badRequest -> badRequest.send().apply(api))
        .forEach(reply -> answered.add(reply.error("code")));

    assertThat(answered).containsAll(listed);
  }

  @Test
  void aChunkedBodyOverTheLimitIsRefusedToo() throws Exception {
    byte[] big = ("{\"description\":\"" + "x".repeat(80_000) + "\"}").getBytes(StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + API.app().getLocalPort() + "/v1/payments"))
            .header("Authorization", "Bearer " + apiKey)
            .header("Idempotency-Key", UUID.randomUUID().toString())
            .header("Content-Type", "application/json")
            // No declared length: the server must count what it reads.
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
            .build();

    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).contains("payload_too_large");
    assertThat(API.postgres().count("payments")).isZero();
  }

  @Test
  void aBodyRefusedUnreadClosesTheConnectionSoThePooledClientsNextRequestGoesThrough() {
    for (int i = 0; i < 20; i++) {
      Reply refused = api.request("POST", "/v1/payments").bearer(apiKey)
          .header("Idempotency-Key", UUID.randomUUID().toString())
          .json("{\"description\":\"" + "x".repeat(70_000) + "\"}").send();
      assertThat(refused.status()).isEqualTo(413);
      assertThat(refused.header("Connection")).isEqualToIgnoringCase("close");
      // The same client, straight after: it must not reuse the connection the server closes.
      assertThat(api.request("GET", "/v1/payments?limit=1").bearer(apiKey).send().status()).isEqualTo(200);
    }
  }

  @Test
  void badListParametersAreNamed() {
    assertThat(api.request("GET", "/v1/payments?limit=0").bearer(apiKey).send().error("param"))
        .isEqualTo("limit");
    assertThat(api.request("GET", "/v1/payments?limit=101").bearer(apiKey).send().error("param"))
        .isEqualTo("limit");
    assertThat(api.request("GET", "/v1/payments?limit=ten").bearer(apiKey).send().error("param"))
        .isEqualTo("limit");
    assertThat(api.request("GET", "/v1/payments?status=paid").bearer(apiKey).send().error("param"))
        .isEqualTo("status");
    Reply cursor =
        api.request("GET", "/v1/payments?startingAfter=pay_DOESNOTEXIST").bearer(apiKey).send();
    assertThat(cursor.status()).isEqualTo(404);
    assertThat(cursor.error("param")).isEqualTo("startingAfter");
  }

  @Test
  void injectionAttemptsInIdsAreInert() {
    for (String id : new String[] {"pay_1' OR '1'='1", "..%2F..%2Fetc%2Fpasswd", "pay_%00"}) {
      Reply reply = api.request("GET", "/v1/payments/" + id.replace(" ", "%20").replace("'", "%27"))
          .bearer(apiKey).send();
      assertThat(reply.status()).as(id).isIn(400, 404);
      assertThat(reply.json().has("error")).as(id + " answered " + reply.body()).isTrue();
    }
  }
}
