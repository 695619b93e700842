package io.durapay.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.durapay.api.merchants.NewMerchantCredentials;
import io.durapay.api.payments.PaymentIds;
import io.durapay.apiclient.ApiClient.Reply;
import io.durapay.api.testing.ApiUnderTest;
import io.durapay.apiclient.ApiClient;
import io.durapay.contracts.CancelRequest;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentResult;
import io.durapay.contracts.PaymentState;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.PaymentWorkflow;
import io.durapay.contracts.TaskQueues;
import io.durapay.contracts.WorkflowIds;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.workflow.Workflow;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile input against the running app (real HTTP, PostgreSQL, a Temporal dev server with a
 * stand-in workflow so cancel and timeline work): requests Schemathesis generates from the
 * served document are answered as it documents, and random and mutated ones never get a 5xx; a
 * refused one leaves no payment, idempotency record, event or workflow; SQL, CRLF and path
 * traversal in every parameter are inert; one merchant never reaches another's payments.
 */
class HostileInputIT {
  /** Fixed so a failure can be replayed; override with -Ddurapay.fuzz.seed=… to explore. */
  private static final long SEED = Long.getLong("durapay.fuzz.seed", 20261126L);
  private static final int TRIES = 250;
  private static final int FUZZ_EXAMPLES = Integer.getInteger("api.fuzz.examples", 8);
  private static final long FUZZ_SEED = Long.getLong("api.fuzz.seed", 20261202L);
  private static final String VALID_BODY =
      "{\"amount\":1999,\"currency\":\"EUR\",\"paymentMethod\":\"pm_card_visa\","
          + "\"description\":\"Order 42\",\"metadata\":{\"orderId\":\"42\"}}";
  private static final List<String> SQL = List.of(
      "' OR '1'='1",
      "'; DROP TABLE payments; --",
      "1; SELECT pg_sleep(30) --",
      "\" OR 1=1 --",
      "pay_' UNION SELECT id, api_key_id FROM merchants --",
      "$$; DELETE FROM merchants; $$");

  @RegisterExtension
  static final ApiUnderTest API = ApiUnderTest.withTemporal(
      // Limits are RateLimitIT's subject; here they must not hide what else is answered.
      ConfigOverride.config("rateLimit.burst", "1000000"),
      ConfigOverride.config("reconciler.enabled", "false"));

  private static ApiClient api;
  private static NewMerchantCredentials merchantA;
  private static NewMerchantCredentials merchantB;
  private static String paymentA;
  private static String paymentB;

  /** Waits for a cancel; answers its state query at once. */
  public static class StandInWorkflow implements PaymentWorkflow {
    private CancelRequest cancel;
    private String paymentId;

    @Override
    public PaymentResult process(PaymentRequest request) {
      paymentId = request.paymentId();
      Workflow.await(() -> cancel != null);
      return new PaymentResult(paymentId, PaymentStatus.CANCELLED, null, null, cancel.reason(), "cancelled");
    }

    @Override
    public void cancel(CancelRequest request) {
      cancel = request;
    }

    @Override
    public PaymentState state() {
      return new PaymentState(paymentId, PaymentStatus.INITIATED, "waiting", cancel != null, false,
          null, null, null, Map.of(), "stand-in");
    }
  }

  @BeforeAll
  static void setUp() {
    API.acceptPublishes();
    var workers = API.temporal().newWorkerFactory();
    workers.newWorker(TaskQueues.PAYMENTS_V1).registerWorkflowImplementationTypes(StandInWorkflow.class);
    workers.start();
    api = API.client();
    merchantA = API.onboarding().create("Merchant A", null, null);
    merchantB = API.onboarding().create("Merchant B", null, null);
    paymentA = create(merchantA.apiKey(), UUID.randomUUID().toString(), VALID_BODY).json().get("id").asText();
    paymentB = create(merchantB.apiKey(), UUID.randomUUID().toString(), VALID_BODY).json().get("id").asText();
  }

  // ---- Random and mutated requests.

  @Test
  void randomAndMutatedRequestsNeverGetA5xxAndRefusedOnesLeaveNoTrace() {
    Random random = new Random(SEED);
    // One connection for all the counts: opening one per count took most of this test's time.
    try (Handle counts = API.postgres().jdbi().open()) {
      for (int i = 0; i < TRIES; i++) {
        Counts before = Counts.now(counts);
        Described request = randomRequest(random);
        String description = request.text();

        Reply reply = request.request().send();

        String context = "seed " + SEED + ", try " + i + ": " + description + " -> " + reply.status()
            + " " + abbreviate(reply.body());
        assertThat(reply.status()).as(context).isBetween(200, 499);
        Counts after = Counts.now(counts);
        if (reply.status() == 201 && reply.header("Idempotent-Replayed") == null) {
          assertThat(after).as(context).isEqualTo(before.plusOnePayment());
        } else {
          assertThat(after).as(context).isEqualTo(before);
        }
        if (reply.status() >= 400) {
          assertThat(reply.header("Content-Type")).as(context).startsWith("application/json");
          assertThat(reply.error("code")).as(context).isNotBlank();
        }
      }
    }
  }

  private static Described randomRequest(Random random) {
    String id = pick(random, List.of(paymentA, paymentB, "pay_01JDQ3Z6V8K3M9W2X4Y5Z6A7B8",
        encode(randomText(random, 30)), "..%2F..%2Fopenapi.yaml", "%00", "pay_" + "A".repeat(300)));
    String[][] routes = {
        {"POST", "/v1/payments"},
        {"GET", "/v1/payments" + randomQuery(random)},
        {"GET", "/v1/payments/" + id},
        {"POST", "/v1/payments/" + id + "/cancel"},
        {"GET", "/v1/payments/" + id + "/timeline"},
        {"GET", "/v1/openapi.yaml" + randomQuery(random)},
        {pick(random, List.of("PUT", "DELETE", "PATCH", "POST", "GET")),
            pick(random, List.of("/v1/payments", "/v1/payments/" + id, "/v1", "/", "/v1/payments/"
                + id + "/" + encode(randomText(random, 8))))}};
    String[] route = routes[random.nextInt(routes.length)];
    ApiClient.Request request = api.request(route[0], route[1]);
    StringBuilder text = new StringBuilder(route[0]).append(' ').append(route[1]);
    switch (random.nextInt(6)) {
      case 0 -> { } // no Authorization
      case 1 -> request.bearer(randomHeader(random));
      case 2 -> request.header("Authorization", "Basic " + randomHeader(random));
      case 3 -> request.bearer(merchantB.apiKey());
      default -> request.bearer(merchantA.apiKey());
    }
    if (random.nextInt(4) != 0) {
      request.header("Idempotency-Key", random.nextInt(3) == 0
          ? randomHeader(random) : UUID.randomUUID().toString());
    }
    if (random.nextInt(4) == 0) {
      request.header("X-Correlation-Id", randomHeader(random));
    }
    if (route[0].equals("POST") || route[0].equals("PUT") || route[0].equals("PATCH")) {
      byte[] body = mutatedBody(random);
      String contentType = random.nextInt(6) == 0
          ? pick(random, List.of("text/plain", "application/xml", "application/json; charset=latin1",
              "multipart/form-data", "application/x-www-form-urlencoded", randomHeader(random)))
          : "application/json";
      request.body(body, contentType);
      text.append(" [").append(contentType).append("] ")
          .append(abbreviate(new String(body, StandardCharsets.UTF_8)));
    }
    return new Described(request, text.toString());
  }

  /** A request and what it is, for the failure message. */
  private record Described(ApiClient.Request request, String text) {}

  static byte[] mutatedBody(Random random) {
    String body = VALID_BODY;
    int mutations = 1 + random.nextInt(3);
    for (int m = 0; m < mutations; m++) {
      String field = pick(random,
          List.of("amount", "currency", "paymentMethod", "description", "metadata", "extra"));
      body = switch (random.nextInt(9)) {
        case 0 -> body.replaceFirst("\"" + field + "\":(\"[^\"]*\"|[^,}]+|\\{[^}]*})",
            literal("\"" + field + "\":" + randomJson(random, 0)));
        case 1 -> body.replaceFirst("\"" + field + "\":(\"[^\"]*\"|[^,}]+|\\{[^}]*}),?", "");
        case 2 -> body.replaceFirst("\\{", literal("{\"" + field + "\":" + randomJson(random, 0) + ","));
        case 3 -> body.substring(0, random.nextInt(body.length() + 1));
        case 4 -> body.replace("Order 42", escape(pick(random, SQL)) + " 4242 4242 4242 4242");
        case 5 -> body.replace("\"42\"}", "\"" + escape(randomText(random, 40)) + "\"}");
        case 6 -> randomJson(random, 0);
        case 7 -> {
          char[] chars = body.toCharArray();
          chars[random.nextInt(chars.length)] = (char) (32 + random.nextInt(95));
          yield new String(chars);
        }
        default -> body.replace("1999", pick(random,
            List.of("0", "-1", "1e3", "1.5", "99999999999999999999999", "\"1999\"", "null")));
      };
    }
    if (random.nextInt(20) == 0) {
      byte[] bytes = new byte[random.nextInt(200)];
      random.nextBytes(bytes);
      return bytes;
    }
    return body.getBytes(StandardCharsets.UTF_8);
  }

  private static String randomJson(Random random, int depth) {
    return switch (random.nextInt(depth > 2 ? 5 : 7)) {
      case 0 -> "null";
      case 1 -> String.valueOf(random.nextBoolean());
      case 2 -> String.valueOf(random.nextLong());
      case 3 -> String.valueOf(random.nextDouble() * 1e6);
      case 4 -> "\"" + escape(randomText(random, 60)) + "\"";
      case 5 -> "[" + randomJson(random, depth + 1) + "," + randomJson(random, depth + 1) + "]";
      default -> "{\"" + escape(randomText(random, 10)) + "\":" + randomJson(random, depth + 1) + "}";
    };
  }

  private static String randomQuery(Random random) {
    if (random.nextInt(3) == 0) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      String name = pick(random, List.of("status", "limit", "startingAfter", "unknown", "status"));
      String value = pick(random, List.of("completed", "0", "101", "-1", "99999999999", paymentB,
          paymentA, randomText(random, 20), pick(random, SQL)));
      parts.add(name + "=" + encode(value));
    }
    return "?" + String.join("&", parts);
  }

  /** Any text, including quotes, backslashes, control characters, emoji and lone surrogates. */
  private static String randomText(Random random, int maxLength) {
    StringBuilder text = new StringBuilder();
    int length = random.nextInt(maxLength + 1);
    for (int i = 0; i < length; i++) {
      text.append(switch (random.nextInt(8)) {
        case 0 -> (char) random.nextInt(32);
        case 1 -> pick(random, List.of("'", "\"", "\\", "%", "/", "..", ";", "\u0000"));
        case 2 -> "\uD83D\uDE00";
        case 3 -> "\uD800";
        case 4 -> (char) (0x80 + random.nextInt(0x700));
        default -> (char) (32 + random.nextInt(95));
      });
    }
    return text.toString();
  }

  /** Printable ASCII only: the HTTP client refuses anything else in a header. */
  private static String randomHeader(Random random) {
    StringBuilder text = new StringBuilder();
    int length = random.nextInt(3) == 0 ? 256 + random.nextInt(50) : 1 + random.nextInt(40);
    for (int i = 0; i < length; i++) {
      text.append((char) (33 + random.nextInt(94)));
    }
    return text.toString();
  }

  // ---- Generated from the contract, by a tool no one here wrote.

  /**
   * Schemathesis, through {@code ci/fuzz-api}, against this app and the document it serves: every
   * operation, the document's links (create, then get, cancel and timeline of what was created),
   * all of its checks and durapay's own ({@code ci/fuzz_api_checks.py}). It must find nothing;
   * then its own record of the run (a HAR file) is compared with what was stored: exactly the
   * payments it was answered 201 for, each with one idempotency record and one event, a workflow
   * exactly for those it cancelled, and nothing for anything refused. A few hundred requests
   * here; {@code -Dapi.fuzz.examples=N} (per operation and phase) for the documented long run.
   */
  @Test
  void whatSchemathesisGeneratesFromTheDocumentIsAnsweredAsDocumentedAndRefusalsLeaveNoTrace()
      throws Exception {
    NewMerchantCredentials fuzzer = API.onboarding().create("Schemathesis", null, null);
    Path reports = Files.createDirectories(Path.of("target", "schemathesis"));
    Path har = reports.resolve("run-" + FUZZ_SEED + ".har").toAbsolutePath();
    Path log = reports.resolve("run-" + FUZZ_SEED + ".log");
    Counts before = Counts.now();

    ProcessBuilder command = new ProcessBuilder("bash", "../ci/fuzz-api",
        "http://127.0.0.1:" + API.app().getLocalPort(), "--max-examples", String.valueOf(FUZZ_EXAMPLES),
        "--seed", String.valueOf(FUZZ_SEED), "--report", "har", "--report-har-path", har.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    command.environment().put("DURAPAY_API_KEY", fuzzer.apiKey());
    command.environment().put("NO_COLOR", "1");
    Process run = command.start();
    assertThat(run.waitFor(20, TimeUnit.MINUTES)).as("Schemathesis finished").isTrue();

    String output = Files.readString(log);
    assertThat(run.exitValue()).as("Schemathesis's verdict (all of it in %s):%n%s", log,
        output.substring(Math.max(0, output.length() - 6000))).isZero();
    Exchanges sent = Exchanges.read(har);
    // About 300 at 8 examples, 3 822 at 300 (the coverage phase's share is fixed).
    assertThat(sent.count).as("requests sent").isGreaterThanOrEqualTo(FUZZ_EXAMPLES * 10);
    assertThat(sent.operations).as("operations exercised").containsAll(List.of(
        "POST /v1/payments 201", "GET /v1/payments 200", "GET /v1/payments/{id} 200",
        "POST /v1/payments/{id}/cancel 202", "GET /v1/payments/{id}/timeline 200",
        "POST /v1/payments 400", "GET /v1/payments/{id} 404"));

    List<String> stored = API.postgres().jdbi().withHandle(h -> h.createQuery(
        "SELECT id FROM payments WHERE merchant_id = :merchant")
        .bind("merchant", fuzzer.merchantId()).mapTo(String.class).list());
    assertThat(stored).as("payments stored").containsExactlyInAnyOrderElementsOf(sent.created);
    assertThat(Counts.now()).as("rows stored").isEqualTo(before.plus(sent.created.size()));
    for (String id : sent.pathIds) {
      var workflow = API.temporal().client().newUntypedWorkflowStub(WorkflowIds.forPayment(id));
      if (sent.cancelled.contains(id)) {
        assertThat(workflow.describe().getWorkflowExecutionInfo().getExecution().getWorkflowId())
            .as("the workflow of cancelled %s", id).isEqualTo(WorkflowIds.forPayment(id));
      } else {
        assertThatThrownBy(workflow::describe).as("a workflow for %s, never cancelled", id)
            .isInstanceOf(WorkflowNotFoundException.class);
      }
    }
  }

  /** What a HAR file says was sent and answered. */
  private static final class Exchanges {
    private static final Pattern WITH_ID = Pattern.compile("/v1/payments/([^/?]+)(/[a-z]+)?");
    private static final ObjectMapper JSON = new ObjectMapper();
    int count;
    final Set<String> operations = new TreeSet<>();
    /** Payments answered 201 (not a replay). */
    final Set<String> created = new TreeSet<>();
    /** Payments whose cancel was answered 202. */
    final Set<String> cancelled = new TreeSet<>();
    /** Every id a path named that has the shape of a payment id. */
    final Set<String> pathIds = new TreeSet<>();

    static Exchanges read(Path har) throws IOException {
      Exchanges read = new Exchanges();
      for (JsonNode entry : JSON.readTree(har.toFile()).at("/log/entries")) {
        read.count++;
        String method = entry.at("/request/method").asText();
        String path = URI.create(entry.at("/request/url").asText()).getRawPath();
        int status = entry.at("/response/status").asInt();
        Matcher withId = WITH_ID.matcher(path);
        String template = path;
        String id = null;
        if (withId.matches()) {
          id = URLDecoder.decode(withId.group(1), StandardCharsets.UTF_8);
          template = "/v1/payments/{id}" + (withId.group(2) == null ? "" : withId.group(2));
          if (PaymentIds.isPaymentId(id)) {
            read.pathIds.add(id);
          }
        }
        read.operations.add(method + " " + template + " " + status);
        boolean replayed = false;
        for (JsonNode header : entry.at("/response/headers")) {
          replayed |= header.path("name").asText().equalsIgnoreCase("Idempotent-Replayed");
        }
        if (method.equals("POST") && template.equals("/v1/payments") && status == 201 && !replayed) {
          read.created.add(JSON.readTree(entry.at("/response/content/text").asText())
              .get("id").asText());
        }
        if (method.equals("POST") && template.endsWith("/cancel") && status == 202) {
          read.cancelled.add(id);
        }
      }
      read.pathIds.addAll(read.created);
      return read;
    }
  }

  // ---- Injection.

  @Test
  void sqlInEveryParameterIsInert() {
    long merchants = API.postgres().count("merchants");
    for (String sql : SQL) {
      String q = encode(sql);
      List<Supplier<Reply>> calls = List.of(
          () -> get("/v1/payments?status=" + q),
          () -> get("/v1/payments?limit=" + q),
          () -> get("/v1/payments?startingAfter=" + q),
          () -> get("/v1/payments/" + q),
          () -> get("/v1/payments/" + q + "/timeline"),
          () -> api.request("POST", "/v1/payments/" + q + "/cancel").bearer(merchantA.apiKey()).send(),
          () -> api.request("GET", "/v1/payments").bearer("dp_" + sql.replace(" ", "") + ".x").send(),
          () -> api.request("GET", "/v1/payments").bearer(merchantA.apiKey())
              .header("X-Correlation-Id", sql.replace(" ", "")).send(),
          () -> create(merchantA.apiKey(), sql, VALID_BODY.replace("EUR", escape(sql))),
          () -> create(merchantA.apiKey(), sql, VALID_BODY.replace("pm_card_visa", escape(sql))));
      for (Supplier<Reply> call : calls) {
        long started = System.nanoTime();
        Reply reply = call.get();
        assertThat(reply.status()).as(sql + ": " + reply.body()).isBetween(400, 499);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as(sql).isLessThan(Duration.ofSeconds(15));
      }
      // Where free text is allowed it is stored and returned exactly as sent, and nothing else.
      String body = "{\"amount\":100,\"currency\":\"USD\",\"paymentMethod\":\"pm_card_visa\","
          + "\"description\":\"" + escape(sql) + "\",\"metadata\":{\"" + escape(sql.substring(0, Math.min(40, sql.length())))
          + "\":\"" + escape(sql) + "\"}}";
      Reply created = create(merchantA.apiKey(), sql, body);
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      JsonNode read = get("/v1/payments/" + created.json().get("id").asText()).json();
      assertThat(read.get("description").asText()).isEqualTo(sql);
      assertThat(read.get("metadata").elements().next().asText()).isEqualTo(sql);
    }
    assertThat(API.postgres().count("merchants")).isEqualTo(merchants);
    assertThat(get("/v1/payments/" + paymentA).status()).isEqualTo(200);
    assertThat(api.request("GET", "/v1/payments/" + paymentB).bearer(merchantB.apiKey()).send().status())
        .isEqualTo(200);
  }

  @Test
  void crlfInHeadersQueriesAndIdsInjectsNoHeader() throws IOException {
    String key = merchantA.apiKey();
    List<String> requests = List.of(
        "GET /v1/payments?status=completed%0d%0aSet-Cookie:%20injected=1 HTTP/1.1\r\n",
        "GET /v1/payments/pay_x%0d%0aSet-Cookie:%20injected=1 HTTP/1.1\r\n",
        "GET /v1/payments/pay_x%0d%0aSet-Cookie:%20injected=1/timeline HTTP/1.1\r\n",
        "GET /v1/payments HTTP/1.1\r\nX-Correlation-Id: abc%0d%0aSet-Cookie: injected=1\r\n",
        "GET /v1/payments HTTP/1.1\r\nX-Correlation-Id: abc\rSet-Cookie: injected=1\r\n",
        "GET /v1/payments HTTP/1.1\r\nX-Correlation-Id: abc\nSet-Cookie: injected=1\r\n");
    for (String start : requests) {
      String response = raw(start + "Host: 127.0.0.1\r\nAuthorization: Bearer " + key
          + "\r\nConnection: close\r\n\r\n");
      String head = response.split("\r\n\r\n", 2)[0].toLowerCase(Locale.ROOT);
      // Jetty may also close a malformed request without an answer; that injects nothing either.
      if (!head.isEmpty()) {
        assertThat(Integer.parseInt(head.substring(9, 12))).as(start + " -> " + head).isBetween(200, 499);
      }
      assertThat(head).as(start).doesNotContain("set-cookie").doesNotContain("injected");
    }
  }

  @Test
  void pathTraversalInIdsReachesNothingElse() {
    List<String> ids = List.of("..%2F..%2Fv1%2Fopenapi.yaml", "%2e%2e%2f%2e%2e%2fopenapi.yaml",
        "..;/..;/v1/openapi.yaml", "pay_x%2F..%2F..%2F" + paymentB, "%2e%2e", "..%5c..%5cetc%5cpasswd",
        "....//....//etc/passwd", "%252e%252e%252fopenapi.yaml", paymentB + "%2F..%2F" + paymentB);
    for (String id : ids) {
      for (String suffix : List.of("", "/timeline")) {
        Reply reply = get("/v1/payments/" + id + suffix);
        assertThat(reply.status()).as(id + suffix + ": " + reply.body()).isIn(400, 404);
        assertThat(reply.json().has("error")).as(id).isTrue();
        assertThat(reply.body()).doesNotContain("openapi:").doesNotContain("root:");
      }
    }
  }

  // ---- Isolation (read, list, cancel and timeline of another's payment are in PaymentsApiIT and
  // PaymentWorkflowApiIT; these are the paths they do not cover).

  @Test
  void anotherMerchantsPaymentIsNoCursorAndItsIdempotencyKeysAreSeparate() {
    Reply cursor = get("/v1/payments?startingAfter=" + paymentB);
    assertThat(cursor.status()).isEqualTo(404);
    assertThat(cursor.error("param")).isEqualTo("startingAfter");

    String shared = "order-" + UUID.randomUUID();
    Reply a = create(merchantA.apiKey(), shared, VALID_BODY);
    Reply b = create(merchantB.apiKey(), shared, VALID_BODY);
    assertThat(a.status()).isEqualTo(201);
    assertThat(b.status()).isEqualTo(201);
    assertThat(b.header("Idempotent-Replayed")).isNull();
    assertThat(b.json().get("id").asText()).isNotEqualTo(a.json().get("id").asText());

    String ofB = b.json().get("id").asText();
    JsonNode bBefore = api.request("GET", "/v1/payments/" + ofB).bearer(merchantB.apiKey()).send().json();
    assertThat(api.request("POST", "/v1/payments/" + ofB + "/cancel").bearer(merchantA.apiKey())
        .send().status()).isEqualTo(404);
    assertThat(get("/v1/payments?status=initiated&limit=100").json().get("data"))
        .extracting(p -> p.get("id").asText()).doesNotContain(paymentB, ofB);
    JsonNode bAfter = api.request("GET", "/v1/payments/" + ofB).bearer(merchantB.apiKey()).send().json();
    assertThat(bAfter).isEqualTo(bBefore);
    // A's cancel attempt started nothing for B's payment: its timeline shows no cancel signal.
    JsonNode timeline = api.request("GET", "/v1/payments/" + ofB + "/timeline")
        .bearer(merchantB.apiKey()).send().json();
    assertThat(timeline.path("workflow").path("signals").toString()).doesNotContain("cancel");
  }

  // ---- Helpers.

  private record Counts(long payments, long records, long events) {
    static Counts now() {
      return API.postgres().jdbi().withHandle(Counts::now);
    }

    static Counts now(Handle h) {
      return h.createQuery(
              "SELECT (SELECT count(*) FROM payments), (SELECT count(*) FROM idempotency_records),"
                  + " (SELECT count(*) FROM outbox)")
          .map((rs, ctx) -> new Counts(rs.getLong(1), rs.getLong(2), rs.getLong(3))).one();
    }

    Counts plusOnePayment() {
      return plus(1);
    }

    /** Each payment has one idempotency record and one event. */
    Counts plus(long newPayments) {
      return new Counts(payments + newPayments, records + newPayments, events + newPayments);
    }
  }

  private static Reply get(String path) {
    return api.request("GET", path).bearer(merchantA.apiKey()).send();
  }

  private static Reply create(String key, String idempotencyKey, String json) {
    return api.request("POST", "/v1/payments").bearer(key).header("Idempotency-Key", idempotencyKey)
        .json(json).send();
  }

  private static String raw(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", API.app().getLocalPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      in.transferTo(response);
      return response.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static String literal(String replacement) {
    return java.util.regex.Matcher.quoteReplacement(replacement);
  }

  private static <T> T pick(Random random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String escape(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String abbreviate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "…";
  }
}
