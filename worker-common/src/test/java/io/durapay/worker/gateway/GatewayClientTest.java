package io.durapay.worker.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.stream.Collectors.toMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.SocketTimeoutException;
import java.net.URLDecoder;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class GatewayClientTest {

  private static final String SECRET = "sk_test_durapay+Secret/Never=Log-This";
  private static final String INTENTS = "/v1/payment_intents";
  private static final String CONFIRM = "/v1/payment_intents/pi_1/confirm";
  private static final String REFUNDS = "/v1/refunds";
  private static final String SEARCH = "/v1/payment_intents/search";

  @RegisterExtension
  static final WireMockExtension gateway =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private GatewayClient client;

  @BeforeEach
  void createClient() {
    client = clientWithReadTimeout(Duration.ofSeconds(5));
  }

  @Test
  void anIntentIsCreatedUnconfirmedKeyedByThePaymentIdWithTheVersionPinned() {
    gateway.stubFor(post(INTENTS).willReturn(okJson(intent("pi_1", "requires_confirmation", "pay_1"))));

    GatewayIntent intent = client.createIntent("pay_1", 1250, "EUR", "pm_card_visa");

    assertThat(intent).isEqualTo(new GatewayIntent("pi_1", "requires_confirmation", 1250, "eur", null, ""));
    LoggedRequest request = onlyRequest();
    assertThat(request.getMethod().getName()).isEqualTo("POST");
    assertThat(request.getUrl()).isEqualTo(INTENTS);
    assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + SECRET);
    assertThat(request.getHeader("Idempotency-Key")).isEqualTo("pay_1");
    assertThat(request.getHeader("Stripe-Version")).isEqualTo(GatewayClient.STRIPE_VERSION);
    assertThat(request.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
    // No confirm: nothing is charged until the intent's id is recorded. Cards only: the confirm is
    // server-side and synchronous, which the pinned version requires to be said.
    assertThat(form(request))
        .containsOnly(
            Map.entry("amount", "1250"),
            Map.entry("currency", "eur"),
            Map.entry("payment_method", "pm_card_visa"),
            Map.entry("payment_method_types[]", "card"),
            Map.entry("metadata[payment_id]", "pay_1"));
  }

  @Test
  void eachConfirmAttemptHasAKeyOfItsOwnBecauseTheGatewayKeepsA500UnderItsKey() {
    gateway.stubFor(post(CONFIRM).willReturn(okJson(intent("pi_1", "succeeded", "pay_1"))));

    GatewayCharge charge = client.confirm("pay_1", "pi_1", 1);
    client.confirm("pay_1", "pi_1", 1);
    client.confirm("pay_1", "pi_1", 2);

    assertThat(charge).isEqualTo(new GatewayCharge("pi_1", "succeeded", 1250, "eur"));
    assertThat(requests())
        .extracting(request -> request.getHeader("Idempotency-Key"))
        .containsExactly("confirm-pay_1-1", "confirm-pay_1-1", "confirm-pay_1-2");
  }

  @Test
  void retrieveReadsTheIntentAsItIsNow() {
    gateway.stubFor(get(urlPathEqualTo("/v1/payment_intents/pi_1"))
        .willReturn(okJson(intent("pi_1", "processing", "pay_1"))));

    GatewayIntent intent = client.retrieve("pi_1");

    assertThat(intent.processing()).isTrue();
    assertThat(onlyRequest().getHeader("Stripe-Version")).isEqualTo(GatewayClient.STRIPE_VERSION);
  }

  @Test
  void cancellingACanceledIntentCountsAsCanceled() {
    gateway.stubFor(post("/v1/payment_intents/pi_1/cancel").willReturn(error(
        400, "invalid_request_error", "payment_intent_unexpected_state", "It has a status of canceled.")));
    gateway.stubFor(get(urlPathEqualTo("/v1/payment_intents/pi_1"))
        .willReturn(okJson(intent("pi_1", "canceled", "pay_1"))));

    assertThat(client.cancel("pay_1", "pi_1").canceled()).isTrue();
  }

  /**
   * Found by RolloutVersioningIT in CI: a worker stopped while its confirm was held at the
   * gateway; the next attempt found the intent still requires_confirmation and confirmed it again,
   * by which time the first confirm had charged. Stripe answers such a confirm 400
   * payment_intent_unexpected_state, and the payment was failed (and refunded) although it was
   * charged. The intent's state is the answer: here, succeeded. (Failed on the old code with the
   * GatewayRejectedException.)
   */
  @Test
  void confirmingAnIntentAnotherConfirmAlreadyChargedReturnsTheChargedIntent() {
    gateway.stubFor(post(CONFIRM).willReturn(error(400, "invalid_request_error", "payment_intent_unexpected_state",
        "You cannot confirm this PaymentIntent because it has a status of succeeded.")));
    gateway.stubFor(get(urlPathEqualTo("/v1/payment_intents/pi_1"))
        .willReturn(okJson(intent("pi_1", "succeeded", "pay_1"))));

    GatewayIntent intent = client.confirmIntent("pay_1", "pi_1", 2);

    assertThat(intent.succeeded()).isTrue();
    gateway.verify(1, postRequestedFor(urlEqualTo(CONFIRM)));
  }

  @Test
  void aConfirmRefusedForAnotherReasonStaysRefused() {
    gateway.stubFor(post(CONFIRM).willReturn(error(400, "invalid_request_error", "parameter_invalid_empty",
        "Missing required param: payment_method.")));

    assertThat(catchThrowableOfType(GatewayRejectedException.class, () -> client.confirmIntent("pay_1", "pi_1", 1))
        .code()).isEqualTo("parameter_invalid_empty");
  }

  @Test
  void aCardDeclineIsNotRetryable() {
    gateway.stubFor(
        post(CONFIRM)
            .willReturn(
                errorBody(
                        402,
                        field("type", "card_error")
                            + field("code", "card_declined")
                            + field("decline_code", "insufficient_funds")
                            + field("message", "Your card has insufficient funds."))
                    .withHeader("Retry-After", "5")));

    GatewayException e = chargeFailure();

    assertThat(e).isInstanceOf(PaymentDeclinedException.class);
    assertThat(e.code()).isEqualTo("insufficient_funds");
    assertThat(e.retryable()).isFalse();
    assertThat(e.retryAfter()).isEmpty();
    assertThat(e.getMessage())
        .contains("POST /v1/payment_intents", "HTTP 402", "Your card has insufficient funds.");
  }

  @Test
  void aCardErrorTypeIsADeclineWhateverTheStatus() {
    gateway.stubFor(
        post(CONFIRM)
            .willReturn(error(400, "card_error", "expired_card", "Your card has expired.")));

    GatewayException e = chargeFailure();

    assertThat(e).isInstanceOf(PaymentDeclinedException.class);
    assertThat(e.code()).isEqualTo("expired_card");
  }

  @ParameterizedTest(name = "HTTP {0} {1} is rejected with code {2}")
  @CsvSource({
    "400, parameter_missing, parameter_missing",
    "404, resource_missing , resource_missing"
  })
  void requestErrorsAreRejectedWithoutRetry(int status, String gatewayCode, String expectedCode) {
    gateway.stubFor(
        post(CONFIRM).willReturn(error(status, "invalid_request_error", gatewayCode, "No.")));

    GatewayException e = chargeFailure();

    assertThat(e).isInstanceOf(GatewayRejectedException.class);
    assertThat(((GatewayRejectedException) e).status()).isEqualTo(status);
    assertThat(e.code()).isEqualTo(expectedCode);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("HTTP " + status, "invalid_request_error", "No.");
  }

  /** Finding 7 of the money-safety review: a refused key is an alert, not a failed payment. */
  @ParameterizedTest(name = "HTTP {0}")
  @ValueSource(ints = {401, 403})
  void aRefusedKeyIsRetryableAndMarksTheKeyRefusedUntilTheGatewayAcceptsARequest(int status) {
    gateway.stubFor(post(CONFIRM).willReturn(error(status, "invalid_request_error", null, "Invalid API Key provided.")));

    GatewayException e = chargeFailure();

    assertThat(e).isInstanceOf(GatewayRetryableException.class);
    assertThat(e.code()).isEqualTo("authentication_refused");
    assertThat(client.keyHealth().refusedNow()).isTrue();
    assertThat(client.keyHealth().refusals()).isEqualTo(1);

    gateway.stubFor(post(CONFIRM).willReturn(okJson(intent("pi_1", "succeeded", "pay_1"))));
    client.confirm("pay_1", "pi_1", 2);

    assertThat(client.keyHealth().refusedNow()).as("accepted again: the key was fixed").isFalse();
  }

  @ParameterizedTest(name = "HTTP {0} with Retry-After [{1}] waits {2}s")
  @CsvSource({
    "409, 7,   7",
    "429, 7,   7",
    "500,  ,    ",
    "502, 0,   0",
    "503, 120, 120",
    "503, soon, "
  })
  void busyOrFailingGatewaysAreRetryable(int status, String retryAfter, Long expectedSeconds) {
    ResponseDefinitionBuilder response = error(status, "api_error", null, "Try later.");
    if (retryAfter != null) {
      response.withHeader("Retry-After", retryAfter);
    }
    gateway.stubFor(post(CONFIRM).willReturn(response));

    GatewayException e = chargeFailure();

    assertThat(e).isInstanceOf(GatewayRetryableException.class);
    assertThat(e.retryable()).isTrue();
    assertThat(e.code()).isEqualTo("http_" + status);
    assertThat(e.retryAfter())
        .isEqualTo(Optional.ofNullable(expectedSeconds).map(Duration::ofSeconds));
    assertThat(e.getMessage()).contains("HTTP " + status, "Try later.");
  }

  @Test
  void retryAfterMayBeAnHttpDate() {
    String inOneMinute =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            Instant.now().plusSeconds(60).atOffset(ZoneOffset.UTC));
    gateway.stubFor(
        post(CONFIRM)
            .willReturn(aResponse().withStatus(503).withHeader("Retry-After", inOneMinute)));

    GatewayException e = chargeFailure();

    // The date has whole seconds, and a little time passes before the client reads it.
    assertThat(e.retryAfter())
        .hasValueSatisfying(
            wait -> assertThat(wait).isBetween(Duration.ofSeconds(50), Duration.ofSeconds(60)));
  }

  @Test
  void anErrorPageThatIsNotJsonStillMapsByStatus() {
    gateway.stubFor(
        post(CONFIRM).willReturn(aResponse().withStatus(502).withBody("<html>Bad Gateway</html>")));

    GatewayException e = chargeFailure();

    assertThat(e).isInstanceOf(GatewayRetryableException.class);
    assertThat(e.code()).isEqualTo("http_502");
  }

  @ParameterizedTest(name = "{0} with last error [{1}, {2}] -> {3}")
  @CsvSource({
    "requires_payment_method, card_declined, insufficient_funds, insufficient_funds",
    "requires_payment_method, expired_card,                    , expired_card",
    "requires_payment_method,              ,                   , card_declined",
    "requires_action,                      ,                   , authentication_required"
  })
  void anIntentNeedingAnotherPaymentMethodIsDeclined(
      String status, String errorCode, String declineCode, String expectedCode) {
    String lastError =
        "{\"type\":\"card_error\""
            + field("code", errorCode)
            + field("decline_code", declineCode)
            + "}";
    gateway.stubFor(post(CONFIRM).willReturn(okJson(intentWithLastError(status, lastError))));

    GatewayException e = chargeFailure();

    assertThat(e).isInstanceOf(PaymentDeclinedException.class);
    assertThat(e.code()).isEqualTo(expectedCode);
    assertThat(e.getMessage()).contains(status);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"processing", "requires_capture", "requires_confirmation", "canceled"})
  void anIntentInAnyOtherStateIsRetryable(String status) {
    gateway.stubFor(post(CONFIRM).willReturn(okJson(intentWithLastError(status, "null"))));

    GatewayException e = chargeFailure();

    assertThat(e).isInstanceOf(GatewayRetryableException.class);
    assertThat(e.code()).isEqualTo("intent_" + status);
  }

  @ParameterizedTest(name = "HTTP 200 with [{0}] is retryable")
  @ValueSource(
      strings = {
        "",
        "not json",
        "{\"id\":\"pi_1\",",
        "[]",
        "{\"id\":\"pi_1\",\"status\":\"succeeded\",\"currency\":\"eur\"}",
        "{\"id\":\"pi_1\",\"status\":\"succeeded\",\"amount\":\"lots\",\"currency\":\"eur\"}",
        "{\"status\":\"succeeded\",\"amount\":1250,\"currency\":\"eur\"}"
      })
  void anAnswerWeCannotReadIsRetryable(String body) {
    gateway.stubFor(
        post(CONFIRM)
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(body)));

    GatewayException e = chargeFailure();

    assertThat(e).isInstanceOf(GatewayRetryableException.class);
    assertThat(e.code()).isEqualTo("malformed_response");
  }

  @Test
  void aResetConnectionIsRetryable() {
    gateway.stubFor(
        post(CONFIRM).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

    GatewayException e = chargeFailure();

    assertThat(e).isInstanceOf(GatewayRetryableException.class);
    assertThat(e.code()).isEqualTo("io_error");
    assertThat(e.getCause()).isInstanceOf(IOException.class);
  }

  @Test
  void anAnswerSlowerThanTheReadTimeoutIsRetryable() {
    gateway.stubFor(
        post(CONFIRM)
            .willReturn(okJson(intent("pi_1", "succeeded", "pay_1")).withFixedDelay(2_000)));
    client = clientWithReadTimeout(Duration.ofMillis(300));

    GatewayException e = chargeFailure();

    assertThat(e).isInstanceOf(GatewayRetryableException.class);
    assertThat(e.code()).isEqualTo("timeout");
    assertThat(e.getCause()).isInstanceOf(SocketTimeoutException.class);
  }

  static Stream<Arguments> failuresThatMightLeakTheKey() {
    return Stream.of(
        Arguments.of(
            "401 echoing the key",
            error(401, "invalid_request_error", null, "Invalid API Key provided: " + SECRET)),
        Arguments.of("402 echoing the key", error(402, "card_error", SECRET, SECRET)),
        Arguments.of(
            "500 page echoing the key", aResponse().withStatus(500).withBody("<p>" + SECRET)),
        Arguments.of("200 unreadable, echoing the key", okJson("{\"" + SECRET)),
        Arguments.of("connection reset", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failuresThatMightLeakTheKey")
  void noFailureRevealsTheSecretKey(String scenario, ResponseDefinitionBuilder response) {
    gateway.stubFor(post(CONFIRM).willReturn(response));

    GatewayException e = chargeFailure();

    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    assertThat(e.getMessage())
        .doesNotContain(SECRET, "Bearer")
        .contains("POST /v1/payment_intents");
    assertThat(e.toString()).doesNotContain(SECRET);
    assertThat(trace.toString()).doesNotContain(SECRET, "Bearer", "pm_card_visa");
    assertThat(client.toString()).doesNotContain(SECRET);
  }

  @Test
  void refundSendsTheIntentWithAKeyDerivedFromThePayment() {
    gateway.stubFor(
        post(REFUNDS)
            .willReturn(okJson("{\"id\":\"re_1\",\"status\":\"succeeded\",\"amount\":1250}")));

    GatewayRefund refund = client.refund("pay_1", "pi_1");

    assertThat(refund).isEqualTo(new GatewayRefund("re_1", "succeeded"));
    LoggedRequest request = onlyRequest();
    assertThat(request.getMethod().getName()).isEqualTo("POST");
    assertThat(request.getUrl()).isEqualTo(REFUNDS);
    assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + SECRET);
    assertThat(request.getHeader("Idempotency-Key")).isEqualTo("refund-pay_1");
    assertThat(form(request)).containsOnly(Map.entry("payment_intent", "pi_1"));
  }

  @Test
  void refundingARefundedIntentSucceeds() {
    gateway.stubFor(
        post(REFUNDS)
            .willReturn(
                error(
                    400,
                    "invalid_request_error",
                    "charge_already_refunded",
                    "Charge ch_1 has already been refunded.")));

    assertThat(client.refund("pay_1", "pi_1")).isEqualTo(new GatewayRefund(null, "succeeded"));
  }

  @Test
  void otherRefundRejectionsAreStillFailures() {
    gateway.stubFor(
        post(REFUNDS)
            .willReturn(
                error(404, "invalid_request_error", "resource_missing", "No such intent.")));

    GatewayRejectedException e =
        catchThrowableOfType(GatewayRejectedException.class, () -> client.refund("pay_1", "pi_x"));

    assertThat(e.code()).isEqualTo("resource_missing");
    assertThat(e.getMessage()).contains("POST /v1/refunds", "HTTP 404");
  }

  @Test
  void findByPaymentIdReturnsTheSucceededIntentOfThatPayment() {
    gateway.stubFor(
        get(urlPathEqualTo(SEARCH))
            .willReturn(
                okJson(
                    search(
                        intent("pi_0", "requires_payment_method", "pay_1"),
                        intent("pi_9", "succeeded", "pay_other"),
                        intent("pi_1", "succeeded", "pay_1")))));

    Optional<GatewayCharge> found = client.findByPaymentId("pay_1");

    assertThat(found).contains(new GatewayCharge("pi_1", "succeeded", 1250, "eur"));
    LoggedRequest request = onlyRequest();
    assertThat(request.getMethod().getName()).isEqualTo("GET");
    assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + SECRET);
    assertThat(request.queryParameter("query").firstValue())
        .isEqualTo("metadata['payment_id']:'pay_1'");
    assertThat(request.getUrl()).startsWith(SEARCH + "?query=").doesNotContain("'", "[", " ");
  }

  @Test
  void findByPaymentIdEscapesQuotesInTheId() {
    gateway.stubFor(get(urlPathEqualTo(SEARCH)).willReturn(okJson(search())));

    client.findByPaymentId("it's");

    assertThat(onlyRequest().queryParameter("query").firstValue())
        .isEqualTo("metadata['payment_id']:'it\\'s'");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("searchesWithoutAChargeOfPay1")
  void findByPaymentIdIsEmptyWithoutASucceededIntentOfThatPayment(String scenario, String body) {
    gateway.stubFor(get(urlPathEqualTo(SEARCH)).willReturn(okJson(body)));

    assertThat(client.findByPaymentId("pay_1")).isEmpty();
  }

  static Stream<Arguments> searchesWithoutAChargeOfPay1() {
    return Stream.of(
        Arguments.of("no intents", search()),
        Arguments.of(
            "only a failed intent", search(intent("pi_0", "requires_payment_method", "pay_1"))),
        Arguments.of("another payment's intent", search(intent("pi_9", "succeeded", "pay_other"))));
  }

  @Test
  void aFailedSearchIsNotAnEmptyAnswer() {
    gateway.stubFor(get(urlPathEqualTo(SEARCH)).willReturn(aResponse().withStatus(503)));

    GatewayException e =
        catchThrowableOfType(GatewayException.class, () -> client.findByPaymentId("pay_1"));

    assertThat(e).isInstanceOf(GatewayRetryableException.class);
    assertThat(e.getMessage()).contains("GET /v1/payment_intents/search", "HTTP 503");
  }

  private GatewayClient clientWithReadTimeout(Duration readTimeout) {
    OkHttpClient http = new OkHttpClient.Builder().readTimeout(readTimeout).build();
    return new GatewayClient(http, gateway.baseUrl(), SECRET);
  }

  private GatewayException chargeFailure() {
    return catchThrowableOfType(
        GatewayException.class, () -> client.confirm("pay_1", "pi_1", 1));
  }

  private static List<LoggedRequest> requests() {
    return gateway.findAll(anyRequestedFor(anyUrl()));
  }

  private static LoggedRequest onlyRequest() {
    List<LoggedRequest> requests = requests();
    assertThat(requests).hasSize(1);
    return requests.get(0);
  }

  private static Map<String, String> form(LoggedRequest request) {
    return Arrays.stream(request.getBodyAsString().split("&"))
        .map(pair -> pair.split("=", 2))
        .collect(
            toMap(
                pair -> URLDecoder.decode(pair[0], UTF_8),
                pair -> URLDecoder.decode(pair[1], UTF_8)));
  }

  private static String intent(String id, String status, String paymentId) {
    return "{\"id\":\""
        + id
        + "\",\"object\":\"payment_intent\",\"status\":\""
        + status
        + "\",\"amount\":1250,\"currency\":\"eur\",\"metadata\":{\"payment_id\":\""
        + paymentId
        + "\"}}";
  }

  private static String intentWithLastError(String status, String lastPaymentError) {
    return "{\"id\":\"pi_1\",\"status\":\""
        + status
        + "\",\"amount\":1250,\"currency\":\"eur\",\"last_payment_error\":"
        + lastPaymentError
        + "}";
  }

  private static String search(String... intents) {
    return "{\"object\":\"search_result\",\"data\":["
        + String.join(",", intents)
        + "],\"has_more\":false}";
  }

  private static ResponseDefinitionBuilder error(
      int status, String type, String code, String message) {
    return errorBody(status, field("type", type) + field("code", code) + field("message", message));
  }

  private static ResponseDefinitionBuilder errorBody(int status, String errorFields) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":{" + errorFields.substring(1) + "}}");
  }

  private static String field(String name, String value) {
    return value == null ? "" : ",\"" + name + "\":\"" + value + "\"";
  }
}
