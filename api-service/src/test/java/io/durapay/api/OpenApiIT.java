package io.durapay.api;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dropwizard.testing.ConfigOverride;
import io.durapay.api.errors.ErrorType;
import io.durapay.api.merchants.NewMerchantCredentials;
import io.durapay.apiclient.ApiClient.Reply;
import io.durapay.api.testing.ApiUnderTest;
import io.durapay.apiclient.ApiClient;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.StatusChange;
import io.durapay.contracts.TransitionResult;
import io.durapay.store.IdempotencyDao;
import io.durapay.store.PaymentDao;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The OpenAPI description and the running app agree: every documented operation is served, every
 * documented error can be provoked and has the documented body, and nothing is served that is not
 * documented. A new operation or status in either place fails here until both say the same.
 */
class OpenApiIT {
  @RegisterExtension
  static final ApiUnderTest API = ApiUnderTest.of(
      // A burst far above what the main merchant sends here, refilled slowly, so the 429s are
      // provoked with a second key without racing the refill.
      ConfigOverride.config("rateLimit.requestsPerSecond", "1"),
      ConfigOverride.config("rateLimit.burst", "150"),
      // No Temporal runs here: a call to it fails at its deadline, so a short one (the answer is
      // the same 503 whenever it fires).
      ConfigOverride.config("temporal.queryTimeoutMillis", "500"));

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> HTTP_METHODS =
      List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  /** Well formed, but no such payment exists. */
  private static final String UNKNOWN_PAYMENT_ID = "pay_01JDQ3Z6V8K3M9W2X4Y5Z6A7B8";
  private static final String PAYMENT_BODY =
      "{\"amount\":1999,\"currency\":\"EUR\",\"paymentMethod\":\"pm_card_visa\","
          + "\"description\":\"OpenAPI check\",\"metadata\":{\"orderId\":\"7\"}}";

  private static ApiClient api;
  private static NewMerchantCredentials merchant;
  private static String paymentId;
  private static JsonNode spec;

  /** A valid body for each operation that requires one, by operationId. */
  private static final Map<String, String> BODIES = Map.of("createPayment", PAYMENT_BODY);

  /**
   * How to provoke each documented error status other than 401 (which every secured operation
   * answers to a request without a key), by "operationId status".
   */
  private static final Map<String, Function<Operation, Reply>> PROVOCATIONS =
      Map.ofEntries(
          // Everything right but the required Idempotency-Key.
          entry("createPayment 400", op -> call(op).json(PAYMENT_BODY).send()),
          entry("createPayment 409", OpenApiIT::whileAnotherRequestHoldsTheKey),
          entry("createPayment 413", op -> call(op).header("Idempotency-Key", newKey())
              .json("{\"description\":\"" + "x".repeat(70_000) + "\"}").send()),
          entry("createPayment 415", op -> call(op).header("Idempotency-Key", newKey())
              .body(PAYMENT_BODY.getBytes(StandardCharsets.UTF_8), "text/plain").send()),
          entry("createPayment 422", OpenApiIT::reuseTheKeyWithAnotherBody),
          entry("listPayments 400", op -> call(op, "?limit=0").send()),
          entry("listPayments 404", op -> call(op, "?startingAfter=" + UNKNOWN_PAYMENT_ID).send()),
          entry("getPayment 400", OpenApiIT::withAnInvalidCorrelationId),
          entry("getPayment 404", op -> at(op, UNKNOWN_PAYMENT_ID).send()),
          entry("cancelPayment 400", OpenApiIT::withAnInvalidCorrelationId),
          entry("getPaymentTimeline 400", OpenApiIT::withAnInvalidCorrelationId),
          entry("cancelPayment 404", op -> at(op, UNKNOWN_PAYMENT_ID).send()),
          entry("cancelPayment 409", op -> at(op, finalPayment()).send()),
          // This test runs no Temporal (the configured target is unreachable).
          entry("cancelPayment 503", op -> at(op, paymentId).send()),
          entry("getPaymentTimeline 404", op -> at(op, UNKNOWN_PAYMENT_ID).send()),
          entry("createPayment 429", OpenApiIT::overTheRateLimit),
          entry("listPayments 429", OpenApiIT::overTheRateLimit),
          entry("getPayment 429", OpenApiIT::overTheRateLimit),
          entry("cancelPayment 429", OpenApiIT::overTheRateLimit),
          entry("getPaymentTimeline 429", OpenApiIT::overTheRateLimit),
          entry("getWebhookEndpoint 400", OpenApiIT::withAnInvalidCorrelationId),
          entry("enableWebhookEndpoint 400", OpenApiIT::withAnInvalidCorrelationId),
          entry("getWebhookEndpoint 429", OpenApiIT::overTheRateLimit),
          entry("enableWebhookEndpoint 429", OpenApiIT::overTheRateLimit),
          entry("rotateWebhookSecret 400", OpenApiIT::withAnInvalidCorrelationId),
          entry("rotateWebhookSecret 429", OpenApiIT::overTheRateLimit),
          entry("listEvents 400", op -> call(op, "?createdGte=yesterday").send()),
          entry("listEvents 404", op -> call(op, "?startingAfter=evt_nothing").send()),
          entry("listEvents 429", OpenApiIT::overTheRateLimit),
          entry("getOpenApi 400", OpenApiIT::withAnInvalidCorrelationId));

  /**
   * Documented errors this test does not provoke, with the reason, by "operationId status" or "*
   * status": no test is generated for them here, and every other documented error must be
   * provoked. (Cancel's 503 is provoked above, by Temporal being unreachable.)
   */
  private static final Map<String, String> NOT_PROVOKED =
      Map.of("* 500", "DatabaseOutageIT: a statement the database refuses",
          "* 503", "DatabaseOutageIT: PostgreSQL unreachable");

  static boolean provokedHere(Operation op, String status) {
    String key = op.id() + " " + status;
    return PROVOCATIONS.containsKey(key)
        || !NOT_PROVOKED.containsKey(key) && !NOT_PROVOKED.containsKey("* " + status);
  }

  /**
   * How to provoke a documented error code, by "operationId status code", where the status's own
   * provocation above does not answer it.
   */
  private static final Map<String, Function<Operation, Reply>> CODE_PROVOCATIONS =
      Map.ofEntries(
          entry("listPayments 400 invalid_limit", op -> call(op, "?limit=0").send()),
          entry("listPayments 400 invalid_status", op -> call(op, "?status=paid").send()),
          entry("listEvents 400 invalid_type", op -> call(op, "?type=payment.initiated").send()),
          entry("listEvents 400 invalid_created_gte", op -> call(op, "?createdGte=yesterday").send()),
          entry("listEvents 400 invalid_created_lt", op -> call(op, "?createdLt=2026-13-01").send()),
          entry("listEvents 400 invalid_limit", op -> call(op, "?limit=101").send()));

  /** Codes every operation that documents them is provoked the same way for. */
  private static final Map<String, Function<Operation, Reply>> ANY_OPERATION =
      Map.of(
          "invalid_api_key", OpenApiIT::withoutKey,
          "invalid_correlation_id",
          op -> validRequest(op, true).header("X-Correlation-Id", "not valid").send(),
          "credentials_in_url", op -> validRequest(op, true, "?access_token=anything").send(),
          // A path Jetty refuses before any route is chosen: an encoded '/' in the id.
          "bad_request", op -> at(op, "pay_..%2F..%2Fx").send(),
          "rate_limit_exceeded", OpenApiIT::overTheRateLimit);

  /**
   * Documented codes provoked by another test, by "operationId status", besides the statuses of
   * {@link #NOT_PROVOKED}.
   */
  private static final Map<String, String> CODES_PROVOKED_ELSEWHERE =
      Map.of("createPayment 400", "BadRequestsIT sends each of its codes and checks it against this list");

  /**
   * Operations that need Temporal, which this test does not run: they answer the documented 503,
   * which shows the route is there and the request reached it.
   */
  private static final Set<String> NEED_TEMPORAL = Set.of("cancelPayment");

  @BeforeAll
  static void setUp() throws IOException {
    API.acceptPublishes();
    api = API.client();
    merchant = API.onboarding().create("OpenAPI shop", null, null);
    Reply created =
        api.request("POST", "/v1/payments").bearer(merchant.apiKey())
            .header("Idempotency-Key", newKey()).json(PAYMENT_BODY).send();
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    paymentId = created.json().get("id").asText();
    spec = YAML.readTree(api.request("GET", "/v1/openapi.yaml").send().body());
  }

  @Test
  void servesItsDescriptionWithoutAKey() throws IOException {
    Reply reply = api.request("GET", "/v1/openapi.yaml").send();

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("Content-Type")).startsWith("application/yaml");
    JsonNode document = YAML.readTree(reply.body());
    assertThat(document.path("openapi").asText()).startsWith("3.");
    assertThat(operations()).extracting(Operation::id)
        .contains("createPayment", "listPayments", "getPayment", "getOpenApi");
  }

  @TestFactory
  Stream<DynamicTest> everyDocumentedOperationIsServed() {
    return operations().stream().map(op -> dynamicTest(op.toString(), () -> {
      Reply reply = validRequest(op, true).send();

      if (NEED_TEMPORAL.contains(op.id()) && reply.status() == 503) {
        assertThat(reply.error("code")).isEqualTo("service_unavailable");
      } else {
        assertThat(reply.status())
            .as("%s must answer a valid request with a success: %s", op, reply.body())
            .isBetween(200, 299);
      }
      assertThat(op.statuses()).contains(String.valueOf(reply.status()));
      assertMatchesDocumentedResponse(op, reply);
    }));
  }

  @TestFactory
  Stream<DynamicTest> everySecuredOperationRefusesARequestWithoutAKey() {
    return operations().stream().filter(Operation::secured).map(op -> dynamicTest(op.toString(), () -> {
      assertThat(op.statuses()).as("%s documents 401", op).contains("401");

      Reply reply = withoutKey(op);

      assertThat(reply.status()).as("%s: %s", op, reply.body()).isEqualTo(401);
      assertMatchesDocumentedResponse(op, reply);
    }));
  }

  @TestFactory
  Stream<DynamicTest> everyDocumentedErrorIsAnsweredWithTheDocumentedBody() {
    return operations().stream()
        .flatMap(op -> op.statuses().stream().filter(s -> s.compareTo("400") >= 0)
            .filter(status -> provokedHere(op, status))
            .map(status -> dynamicTest(op + " " + status, () -> {
              String key = op.id() + " " + status;
              Function<Operation, Reply> provocation =
                  status.equals("401") ? OpenApiIT::withoutKey : PROVOCATIONS.get(key);
              assertThat(provocation)
                  .as("no way to provoke %s: add one to PROVOCATIONS, or a reason to NOT_PROVOKED", key)
                  .isNotNull();

              Reply reply = provocation.apply(op);

              assertThat(reply.status()).as("%s: %s", key, reply.body())
                  .isEqualTo(Integer.parseInt(status));
              assertMatchesDocumentedResponse(op, reply);
            })));
  }

  /**
   * The catalogue of error codes: every code an operation's error response lists (as its
   * examples) is answered by the operation, with that status.
   */
  @TestFactory
  Stream<DynamicTest> everyDocumentedErrorCodeIsAnsweredByItsOperation() {
    return operations().stream()
        .flatMap(op -> op.statuses().stream().filter(s -> s.compareTo("400") >= 0)
            .filter(status -> provokedHere(op, status)
                && !CODES_PROVOKED_ELSEWHERE.containsKey(op.id() + " " + status))
            .flatMap(status -> {
              Set<String> codes = op.errorCodes(status);
              return codes.stream().map(code -> dynamicTest(op + " " + status + " " + code, () -> {
                String key = op.id() + " " + status;
                Function<Operation, Reply> provocation =
                    CODE_PROVOCATIONS.getOrDefault(key + " " + code, ANY_OPERATION.get(code));
                if (provocation == null && codes.size() == 1) {
                  provocation = PROVOCATIONS.get(key);
                }
                assertThat(provocation)
                    .as("no way to provoke %s %s: add one to CODE_PROVOCATIONS", key, code).isNotNull();

                Reply reply = provocation.apply(op);

                assertThat(reply.status()).as("%s %s: %s", key, code, reply.body())
                    .isEqualTo(Integer.parseInt(status));
                assertThat(reply.error("code")).as(reply.body()).isEqualTo(code);
                assertMatchesDocumentedResponse(op, reply);
              }));
            }));
  }

  /**
   * The other direction for the codes any operation can get: each operation they apply to
   * answers them, and its document lists them.
   */
  @TestFactory
  Stream<DynamicTest> everyOperationListsTheCodesAnyOperationCanGet() {
    return operations().stream().flatMap(op -> ANY_OPERATION.keySet().stream()
        .filter(code -> switch (code) {
          case "invalid_api_key", "rate_limit_exceeded" -> op.secured();
          case "bad_request" -> op.path().contains("{id}");
          default -> true;
        })
        .map(code -> dynamicTest(op + " " + code, () -> {
          Reply reply = ANY_OPERATION.get(code).apply(op);

          assertThat(reply.error("code")).as(reply.body()).isEqualTo(code);
          assertThat(op.statuses()).contains(String.valueOf(reply.status()));
          assertMatchesDocumentedResponse(op, reply);
        })));
  }

  @Test
  void everyErrorResponseListsItsCodes() {
    List<String> without = new ArrayList<>();
    operations().forEach(op -> op.statuses().stream().filter(s -> s.compareTo("400") >= 0)
        .filter(status -> op.errorCodes(status).isEmpty())
        .forEach(status -> without.add(op + " " + status)));

    assertThat(without).isEmpty();
  }

  /** Every request body and every response with a body has an example of its own. */
  @Test
  void everyOperationHasAnExampleOfEachBody() {
    List<String> without = new ArrayList<>();
    for (Operation op : operations()) {
      resolve(op.node().path("requestBody")).path("content").fields().forEachRemaining(media -> {
        if (media.getValue().path("examples").isEmpty()) {
          without.add(op + " request " + media.getKey());
        }
      });
      for (String status : op.statuses()) {
        op.response(status).path("content").fields().forEachRemaining(media -> {
          if (media.getValue().path("examples").isEmpty()) {
            without.add(op + " " + status + " " + media.getKey());
          }
        });
      }
    }

    assertThat(without).isEmpty();
  }

  @Test
  void everyProvokedStatusIsDocumented() {
    Set<String> documented = new TreeSet<>();
    operations().forEach(op -> op.statuses().forEach(s -> documented.add(op.id() + " " + s)));

    assertThat(documented).containsAll(PROVOCATIONS.keySet());
  }

  @Test
  void everyErrorIsDocumentedWithTheErrorSchema() {
    List<String> otherwise = new ArrayList<>();
    for (Operation op : operations()) {
      for (String status : op.statuses()) {
        if (status.compareTo("400") < 0) {
          continue;
        }
        JsonNode schema = op.response(status).path("content").path("application/json").path("schema");
        if (!schema.path("$ref").asText().equals("#/components/schemas/Error")) {
          otherwise.add(op + " " + status);
        }
      }
    }

    assertThat(otherwise).isEmpty();
    JsonNode error = resolve(spec.at("/components/schemas/Error/properties/error"));
    assertThat(error.path("required")).extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("type", "code", "message", "param");
    // The documented types are exactly the ones the code can send.
    assertThat(error.at("/properties/type/enum")).extracting(JsonNode::asText)
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(ErrorType.values()).map(ErrorType::wireName).toList());
  }

  /**
   * RFC 9110: a 405 names the methods the route accepts. Jersey's do; a method the server refuses
   * on every route is answered by Jetty before Jersey, and had no {@code Allow} (Schemathesis's
   * ST204 found it).
   */
  @Test
  void aMethodNoRouteAcceptsIsRefusedWithTheRoutesMethodsInAllow() {
    for (Operation op : operations()) {
      String path = op.path().replace("{id}", paymentId);
      Reply trace = api.request("TRACE", path).bearer(merchant.apiKey()).send();
      Reply unsupported = api.request("PUT", path).bearer(merchant.apiKey()).send();

      assertThat(trace.status()).as("TRACE " + path).isEqualTo(405);
      assertThat(unsupported.status()).as("PUT " + path).isEqualTo(405);
      assertThat(trace.header("Allow")).as("TRACE " + path).isNotBlank();
      assertThat(trace.header("Allow").split(",")).as("TRACE " + path)
          .containsExactlyInAnyOrder(unsupported.header("Allow").split(","))
          .contains(op.method());
      assertThat(trace.error("code")).isNotBlank();
    }
  }

  /** Redocly's recommended rules, every example valid against its schema (api-service/redocly.yaml). */
  @Test
  void theServedDocumentPassesTheLinterWithoutAnError() throws Exception {
    Reply served = api.request("GET", "/v1/openapi.yaml").send();
    var document = Files.createDirectories(Paths.get("target", "openapi-lint")).resolve("openapi.yaml");
    Files.writeString(document, served.body());
    var log = document.resolveSibling("lint.log");

    Process lint = new ProcessBuilder("bash", "../ci/redocly", "lint", "--config", "redocly.yaml",
        "--format", "stylish", document.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();

    assertThat(lint.waitFor(5, TimeUnit.MINUTES)).as("the linter finished").isTrue();
    String output = Files.readString(log);
    assertThat(lint.exitValue()).as(output).isZero();
    assertThat(output).doesNotContainPattern("(?i)\\berror\\b");
  }

  @Test
  void theAppServesNoRouteThatIsNotDocumented() {
    Set<String> documented = new TreeSet<>();
    operations().forEach(op -> documented.add(op.method() + " " + op.path()));

    Set<String> served = servedRoutes();

    assertThat(served).containsExactlyInAnyOrderElementsOf(documented);
  }

  // ---- The description, read as data.

  /** One documented operation: a method on a path. */
  record Operation(String method, String path, JsonNode node, JsonNode pathItem) {
    String id() {
      return node.path("operationId").asText(method + " " + path);
    }

    /** Whether a key is required: the operation's own {@code security}, else the document's. */
    boolean secured() {
      JsonNode security = node.has("security") ? node.get("security") : spec.path("security");
      if (security.isEmpty()) {
        return false;
      }
      // "security: [{}]" makes authentication optional.
      for (JsonNode requirement : security) {
        if (requirement.isEmpty()) {
          return false;
        }
      }
      return true;
    }

    List<String> statuses() {
      List<String> statuses = new ArrayList<>();
      node.path("responses").fieldNames().forEachRemaining(statuses::add);
      assertThat(statuses).as("%s: only explicit status codes are checked here", this)
          .allMatch(s -> s.matches("[1-5][0-9][0-9]"));
      return statuses;
    }

    JsonNode response(String status) {
      return resolve(node.path("responses").path(status));
    }

    /** The error codes documented for {@code status}: its examples, one per code. */
    Set<String> errorCodes(String status) {
      Set<String> codes = new TreeSet<>();
      response(status).path("content").path("application/json").path("examples")
          .forEach(example -> codes.add(resolve(example).at("/value/error/code").asText()));
      return codes;
    }

    List<JsonNode> parameters() {
      List<JsonNode> parameters = new ArrayList<>();
      pathItem.path("parameters").forEach(p -> parameters.add(resolve(p)));
      node.path("parameters").forEach(p -> parameters.add(resolve(p)));
      return parameters;
    }

    @Override
    public String toString() {
      return id() + " (" + method + " " + path + ")";
    }
  }

  static List<Operation> operations() {
    List<Operation> operations = new ArrayList<>();
    spec.path("paths").fields().forEachRemaining(path -> {
      for (String method : HTTP_METHODS) {
        if (path.getValue().has(method)) {
          operations.add(new Operation(method.toUpperCase(Locale.ROOT), path.getKey(),
              path.getValue().get(method), path.getValue()));
        }
      }
    });
    return operations;
  }

  /** Follows local {@code $ref}s ("#/components/..."). */
  static JsonNode resolve(JsonNode node) {
    JsonNode resolved = node;
    for (int hops = 0; resolved.has("$ref"); hops++) {
      assertThat(hops).as("$ref cycle at %s", node).isLessThan(20);
      String ref = resolved.get("$ref").asText();
      assertThat(ref).as("only local references are supported").startsWith("#/");
      resolved = spec.at(ref.substring(1));
      assertThat(resolved.isMissingNode()).as("unresolvable %s", ref).isFalse();
    }
    return resolved;
  }

  // ---- Requests.

  /**
   * A request the description says is valid: its path parameters, required headers and body
   * filled in, and the key when the operation is secured and {@code withKey}.
   */
  static ApiClient.Request validRequest(Operation op, boolean withKey) {
    return validRequest(op, withKey, "");
  }

  /** As {@link #validRequest(Operation, boolean)}, with {@code query} ("?a=b") after the path. */
  static ApiClient.Request validRequest(Operation op, boolean withKey, String query) {
    Map<String, String> pathValues = new LinkedHashMap<>();
    Map<String, String> headers = new LinkedHashMap<>();
    for (JsonNode parameter : op.parameters()) {
      String name = parameter.path("name").asText();
      boolean required = parameter.path("required").asBoolean(false);
      switch (parameter.path("in").asText()) {
        case "path" -> pathValues.put(name, pathSample(name));
        case "header" -> {
          if (required) {
            headers.put(name, headerSample(name));
          }
        }
        default -> assertThat(required).as("no sample for the required parameter %s", name).isFalse();
      }
    }
    ApiClient.Request request = api.request(op.method(), fill(op.path(), pathValues) + query);
    headers.forEach(request::header);
    JsonNode body = resolve(op.node().path("requestBody"));
    if (body.path("required").asBoolean(false)) {
      String json = BODIES.get(op.id());
      assertThat(json).as("no sample body for %s: add one to BODIES", op).isNotNull();
      String mediaType = body.path("content").fieldNames().next();
      // The sample must be valid by the description too, or the two disagree.
      assertMatches(body.path("content").path(mediaType).path("schema"), json, op + " sample body");
      request.body(json.getBytes(StandardCharsets.UTF_8), mediaType);
    }
    if (withKey && op.secured()) {
      request.bearer(merchant.apiKey());
    }
    return request;
  }

  static String pathSample(String name) {
    assertThat(name).as("no sample for the path parameter %s", name).isEqualTo("id");
    return paymentId;
  }

  static String headerSample(String name) {
    assertThat(name).as("no sample for the required header %s", name).isEqualTo("Idempotency-Key");
    return newKey();
  }

  /** The operation on the sample payment, with the key and an optional query. */
  static ApiClient.Request call(Operation op, String... query) {
    String path = fill(op.path(), Map.of("id", paymentId)) + String.join("", query);
    return api.request(op.method(), path).bearer(merchant.apiKey());
  }

  /** The operation on the payment {@code id}, with the key. */
  static ApiClient.Request at(Operation op, String id) {
    return api.request(op.method(), fill(op.path(), Map.of("id", id))).bearer(merchant.apiKey());
  }

  /** A new payment of the merchant, already cancelled. */
  static String finalPayment() {
    Reply created = api.request("POST", "/v1/payments").bearer(merchant.apiKey())
        .header("Idempotency-Key", newKey()).json(PAYMENT_BODY).send();
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").asText();
    TransitionResult result = API.postgres().jdbi().withExtension(PaymentDao.class, dao -> dao.transition(
        new StatusChange(id, PaymentStatus.CANCELLED, "cancelled by the test", null, null, null,
            null))).orElseThrow();
    assertThat(result.applied()).isTrue();
    return id;
  }

  /** Everything right on a payment of this merchant's but the X-Correlation-Id. */
  static Reply withAnInvalidCorrelationId(Operation op) {
    return at(op, paymentId).header("X-Correlation-Id", "not valid").send();
  }

  static Reply withoutKey(Operation op) {
    return validRequest(op, false).send();
  }

  static String fill(String template, Map<String, String> values) {
    String path = template;
    for (Map.Entry<String, String> value : values.entrySet()) {
      path = path.replace("{" + value.getKey() + "}", value.getValue());
    }
    assertThat(path).as("path parameters left unfilled").doesNotContain("{");
    return path;
  }

  /** Stands in for a first request with the key still running: it holds the key's lock. */
  static Reply whileAnotherRequestHoldsTheKey(Operation op) {
    String key = newKey();
    return holdingIdempotencyKey(key,
        () -> call(op).header("Idempotency-Key", key).json(PAYMENT_BODY).send());
  }

  static Reply holdingIdempotencyKey(String key, Supplier<Reply> call) {
    try (Handle handle = API.postgres().jdbi().open()) {
      handle.begin();
      assertThat(handle.attach(IdempotencyDao.class).tryLock(merchant.merchantId(), key)).isTrue();
      try {
        return call.get();
      } finally {
        handle.rollback();
      }
    }
  }

  private static NewMerchantCredentials busyMerchant;

  /**
   * A valid request with a second merchant's key once that key has used up its bucket. Its
   * requests go on until one is refused; the operation is then repeated until it is refused too
   * (a token may come back in between).
   */
  static synchronized Reply overTheRateLimit(Operation op) {
    if (busyMerchant == null) {
      busyMerchant = API.onboarding().create("Busy shop", null, null);
    }
    Reply reply = null;
    for (int attempt = 0; attempt < 5 && (reply == null || reply.status() != 429); attempt++) {
      for (int i = 0; i < 1000; i++) {
        Reply drain = api.request("GET", "/v1/payments?limit=1").bearer(busyMerchant.apiKey()).send();
        if (drain.status() == 429) {
          break;
        }
      }
      ApiClient.Request request = validRequest(op, false);
      reply = request.bearer(busyMerchant.apiKey()).send();
    }
    assertThat(reply.header("Retry-After")).as(reply.body()).matches("[1-9][0-9]*");
    assertThat(reply.error("message")).contains("1 requests per second", "150");
    return reply;
  }

  static Reply reuseTheKeyWithAnotherBody(Operation op) {
    String key = newKey();
    Reply first = call(op).header("Idempotency-Key", key).json(PAYMENT_BODY).send();
    assertThat(first.status()).as(first.body()).isEqualTo(201);
    return call(op).header("Idempotency-Key", key)
        .json(PAYMENT_BODY.replace("1999", "2000")).send();
  }

  static String newKey() {
    return UUID.randomUUID().toString();
  }

  // ---- Responses against the documented schemas.

  static void assertMatchesDocumentedResponse(Operation op, Reply reply) {
    String status = String.valueOf(reply.status());
    JsonNode content = op.response(status).path("content");
    if (content.isEmpty()) {
      assertThat(reply.body()).as("%s %s documents no body", op, status).isEmpty();
      return;
    }
    String mediaType = content.fieldNames().next();
    assertThat(reply.header("Content-Type")).as("%s %s", op, status).startsWith(mediaType);
    if (mediaType.equals("application/json")) {
      assertMatches(content.path(mediaType).path("schema"), reply.body(), op + " " + status);
    }
    if (reply.status() >= 400) {
      assertThat(op.errorCodes(status)).as("%s %s: the codes the document lists (%s)", op, status,
          reply.body()).contains(reply.error("code"));
    }
    op.response(status).path("headers").fields().forEachRemaining(documented -> {
      JsonNode header = resolve(documented.getValue());
      String value = reply.header(documented.getKey());
      if (header.path("required").asBoolean(false)) {
        assertThat(value).as("%s %s carries the header %s", op, status, documented.getKey()).isNotNull();
      }
      String pattern = header.path("schema").path("pattern").asText(null);
      if (value != null && pattern != null) {
        assertThat(value).as("%s %s: %s", op, status, documented.getKey()).containsPattern(pattern);
      }
    });
  }

  static void assertMatches(JsonNode schema, String json, String what) {
    List<String> problems = new ArrayList<>();
    try {
      check(schema, JSON.readTree(json), "$", problems);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
    assertThat(problems).as("%s does not match its schema: %s", what, json).isEmpty();
  }

  /**
   * The parts of OpenAPI 3.1 schemas the description uses. Stricter than the standard in one
   * way: a property the schema does not list is reported even without
   * {@code additionalProperties: false}, so an undocumented field fails here too.
   */
  static void check(JsonNode schemaOrRef, JsonNode value, String at, List<String> problems) {
    JsonNode schema = resolve(schemaOrRef);
    // OpenAPI 3.1: a nullable value's type is a list, e.g. [string, 'null'].
    JsonNode types = schema.path("type");
    String type = types.asText("");
    boolean nullable = false;
    for (JsonNode listed : types.isArray() ? types : JSON.createArrayNode()) {
      if (listed.asText().equals("null")) {
        nullable = true;
      } else {
        type = listed.asText();
      }
    }
    if (value.isNull()) {
      if (!nullable) {
        problems.add(at + " is null");
      }
      return;
    }
    if (schema.has("enum") && !contains(schema.get("enum"), value)) {
      problems.add(at + " = " + value + " is not one of " + schema.get("enum"));
    }
    switch (type) {
      case "object" -> checkObject(schema, value, at, problems);
      case "array" -> {
        if (!value.isArray()) {
          problems.add(at + " is not an array");
        } else {
          for (int i = 0; i < value.size(); i++) {
            check(schema.path("items"), value.get(i), at + "[" + i + "]", problems);
          }
        }
      }
      case "string" -> checkString(schema, value, at, problems);
      case "integer" -> {
        if (!value.isIntegralNumber()) {
          problems.add(at + " is not an integer");
        } else if (schema.has("minimum") && value.asLong() < schema.get("minimum").asLong()) {
          problems.add(at + " is below " + schema.get("minimum"));
        } else if (schema.has("maximum") && value.asLong() > schema.get("maximum").asLong()) {
          problems.add(at + " is above " + schema.get("maximum"));
        }
      }
      case "boolean" -> {
        if (!value.isBoolean()) {
          problems.add(at + " is not a boolean");
        }
      }
      case "number" -> {
        if (!value.isNumber()) {
          problems.add(at + " is not a number");
        }
      }
      default -> problems.add(at + ": the schema has no type this check knows: " + schema);
    }
  }

  private static void checkObject(JsonNode schema, JsonNode value, String at, List<String> problems) {
    if (!value.isObject()) {
      problems.add(at + " is not an object");
      return;
    }
    schema.path("required").forEach(name -> {
      if (!value.has(name.asText())) {
        problems.add(at + "." + name.asText() + " is missing");
      }
    });
    if (schema.has("maxProperties") && value.size() > schema.get("maxProperties").asInt()) {
      problems.add(at + " has more than " + schema.get("maxProperties") + " properties");
    }
    JsonNode properties = schema.path("properties");
    JsonNode additional = schema.path("additionalProperties");
    value.fields().forEachRemaining(field -> {
      String path = at + "." + field.getKey();
      if (properties.has(field.getKey())) {
        check(properties.get(field.getKey()), field.getValue(), path, problems);
      } else if (additional.isObject()) {
        check(additional, field.getValue(), path, problems);
      } else {
        problems.add(path + " is not documented");
      }
    });
  }

  private static void checkString(JsonNode schema, JsonNode value, String at, List<String> problems) {
    if (!value.isTextual()) {
      problems.add(at + " is not a string");
      return;
    }
    String text = value.asText();
    int length = text.codePointCount(0, text.length());
    if (schema.has("maxLength") && length > schema.get("maxLength").asInt()) {
      problems.add(at + " is longer than " + schema.get("maxLength"));
    }
    if (schema.has("minLength") && length < schema.get("minLength").asInt()) {
      problems.add(at + " is shorter than " + schema.get("minLength"));
    }
    if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(text).find()) {
      problems.add(at + " does not match " + schema.get("pattern"));
    }
    if (schema.path("format").asText().equals("date-time")) {
      try {
        OffsetDateTime.parse(text);
      } catch (DateTimeParseException e) {
        problems.add(at + " is not a date-time: " + text);
      }
    }
  }

  private static boolean contains(JsonNode values, JsonNode value) {
    for (JsonNode candidate : values) {
      if (candidate.equals(value)) {
        return true;
      }
    }
    return false;
  }

  // ---- What Jersey serves.

  /**
   * Every resource method Jersey knows, as "METHOD /path": the registered root resources (classes,
   * instances and programmatic ones) walked through Jersey's own resource model, sub-resources
   * and locators included. HEAD and OPTIONS, which Jersey adds to every route, are not listed.
   */
  static Set<String> servedRoutes() {
    ResourceConfig config = API.app().getEnvironment().jersey().getResourceConfig();
    List<Resource> roots = new ArrayList<>(config.getResources());
    Stream.concat(config.getClasses().stream(), config.getInstances().stream().map(Object::getClass))
        .filter(type -> type.isAnnotationPresent(Path.class))
        .distinct()
        .map(Resource::from)
        .forEach(roots::add);
    String prefix = API.app().getEnvironment().jersey().getUrlPattern().replaceAll("/\\*$", "");
    Set<String> routes = new TreeSet<>();
    roots.forEach(root -> collect(root, prefix, routes, 0));
    return routes;
  }

  private static void collect(Resource resource, String parent, Set<String> routes, int depth) {
    String path = normalise(parent + "/" + (resource.getPath() == null ? "" : resource.getPath()));
    for (ResourceMethod method : resource.getResourceMethods()) {
      routes.add(method.getHttpMethod() + " " + path);
    }
    for (Resource child : resource.getChildResources()) {
      collect(child, path, routes, depth);
    }
    ResourceMethod locator = resource.getResourceLocator();
    if (locator != null) {
      Resource located =
          depth < 5 ? Resource.from(locator.getInvocable().getRawResponseType()) : null;
      if (located == null) {
        // What it locates is only known at run time: undocumentable here, so it must fail.
        routes.add("LOCATOR " + path);
      } else {
        for (ResourceMethod method : located.getResourceMethods()) {
          routes.add(method.getHttpMethod() + " " + path);
        }
        for (Resource child : located.getChildResources()) {
          collect(child, path, routes, depth + 1);
        }
      }
    }
  }

  /** "/v1//payments/{id: [A-Z]+}/" becomes "/v1/payments/{id}". */
  private static String normalise(String path) {
    String clean =
        path.replaceAll("/+", "/").replaceAll("\\{\\s*([^}:\\s]+)\\s*(:[^}]*)?}", "{$1}");
    return clean.length() > 1 && clean.endsWith("/") ? clean.substring(0, clean.length() - 1) : clean;
  }
}
