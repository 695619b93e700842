package io.durapay.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durapay.apiclient.ApiClient;
import io.durapay.contracts.WorkflowIds;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code devstack up} as its own process, as a user starts it, checked twice on one run: its
 * banner followed to the letter, then (the run ended) everything it wrote searched for secrets.
 * The second stops the process, so the two run in this order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DevStackUpIT {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> FINAL = Set.of("completed", "failed", "cancelled");

  private static Path data;
  private static JavaProcess devstack;
  private static JsonNode description;

  @BeforeAll
  static void up() throws Exception {
    data = Files.createTempDirectory("durapay-up-it");
    List<String> args = new ArrayList<>(List.of("up", "--data", data.toString()));
    for (String option : List.of("--control-port", "--api-port", "--admin-port", "--worker-admin-port",
        "--temporal-port", "--temporal-ui-port", "--sqs-port", "--sns-port", "--gateway-port", "--webhooks-port")) {
      args.addAll(List.of(option, "0"));
    }
    devstack = JavaProcess.start(
        List.of("-Xmx1g"), "io.durapay.devstack.DevStack", args, data.resolve("console.log"));
    description = awaitDescription(data.resolve("devstack.json"), devstack);
    await().atMost(Duration.ofSeconds(120)).until(() -> devstack.console().contains("Stop with Ctrl-C"));
  }

  @AfterAll
  static void down() throws Exception {
    if (devstack != null) {
      devstack.close();
    }
  }

  /**
   * The banner followed as a user would: the "Try:" lines run as printed in bash and create a
   * payment; every part is a label, some space, and its address; and the console holds nothing
   * else but the line that says where the logs go (issue 20, item 4).
   */
  @Test
  @Order(1)
  void theBannersExampleRunsAsPrintedAndEveryLabelStandsApartFromItsAddress() throws Exception {
    String console = devstack.console();
    String banner = console.substring(console.indexOf("durapay devstack is up"));
    Path logs = data.resolve("logs").resolve("devstack.log").toAbsolutePath();

    // Before the banner: one line naming the log file. No migration summaries, route tables
    // or component logs; those are in the file the banner names.
    assertThat(console.substring(0, console.indexOf("durapay devstack is up")).strip())
        .isEqualTo("starting the durapay devstack (logs: " + logs + ")");
    assertThat(banner).doesNotContain("UPDATE SUMMARY", "The following paths were found", "INFO ");
    assertThat(banner).containsPattern("\\n  logs\\s+" + java.util.regex.Pattern.quote(logs.toString()) + "\\n");
    assertThat(Files.readString(logs))
        .contains("Starting durapay-api", "GET     /v1/payments/{id}/timeline", "worker polling task queue");

    List<String> parts = banner.lines().skip(1).takeWhile(line -> line.startsWith("  ")).toList();
    assertThat(parts).as(banner).isNotEmpty().allSatisfy(line -> {
      assertThat(line).as("a label, space, a value").matches("  \\S+( \\S+)*\\s{2,}\\S.*");
      assertThat(line).as("no Java map in the banner").doesNotContainPattern("\\{\\w+=");
    });

    String example = banner.substring(banner.indexOf("Try:\n") + "Try:\n".length(), banner.indexOf("Test tokens:"));
    Process bash = new ProcessBuilder("bash", "-c", example).directory(data.toFile())
        .redirectErrorStream(true).start();
    assertThat(bash.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String answer = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.exitValue()).as(example + "\n" + answer).isZero();
    assertThat(MAPPER.readTree(answer).path("status").asText()).as(example + "\n" + answer).isEqualTo("initiated");
  }

  /**
   * A full run — start-up, payments down every path, refused requests, shutdown — then a search of
   * everything it wrote to its console and its log file, every workflow history, every error body
   * and every webhook delivered, for the merchants' API keys, the webhook secrets and the gateway's
   * secret key. None may appear anywhere.
   */
  @Test
  @Order(2)
  void noSecretAppearsInLogsHistoriesErrorBodiesOrWebhooks() throws Exception {
    Map<String, String> scanned = new LinkedHashMap<>();
    JsonNode stack = description;
    String api = stack.get("api").asText();
    String demoKey = stack.at("/demoMerchant/apiKey").asText();
    String downKey = stack.at("/downMerchant/apiKey").asText();
    String webhookSecret = stack.at("/demoMerchant/webhookSecret").asText();
    Map<String, String> secrets = secretsOf(Map.of(
        "demo merchant's API key", demoKey,
        "other merchant's API key", downKey,
        "webhook secret", webhookSecret,
        "gateway secret key", Stack.GATEWAY_KEY));

    List<String> ids = new ArrayList<>();
    for (String token : List.of("pm_card_visa", "pm_card_chargeDeclined", "pm_card_flaky", "pm_card_slow")) {
      ids.add(createPayment(api, demoKey, token, scanned));
    }
    ids.add(createPayment(api, downKey, "pm_card_visa", scanned));
    call(api, "POST", "/v1/payments/" + ids.get(3) + "/cancel", demoKey, null, scanned);
    // Refused requests that carry a secret, or most of one: the answers must not echo it.
    String keyId = demoKey.substring(0, demoKey.indexOf('.'));
    call(api, "GET", "/v1/payments", keyId + ".wrong" + demoKey.substring(demoKey.indexOf('.') + 1), null, scanned);
    call(api, "GET", "/v1/payments", demoKey + "x", null, scanned);
    call(api, "GET", "/v1/payments/" + ids.get(4), demoKey, null, scanned);
    call(api, "POST", "/v1/payments", demoKey, "{\"amount\":\"" + demoKey + "\"}", scanned);
    call(api, "POST", "/v1/payments", demoKey,
        "{\"amount\":100,\"currency\":\"EUR\",\"paymentMethod\":\"" + webhookSecret + "\"}", scanned);

    awaitFinal(api, demoKey, ids.subList(0, 4));
    awaitFinal(api, downKey, ids.subList(4, 5));

    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(stack.get("temporal").asText()).build());
    try {
      WorkflowClient client = WorkflowClient.newInstance(stubs);
      for (String id : ids) {
        scanned.put("history of " + id, client.fetchHistory(WorkflowIds.forPayment(id)).toJson(false));
      }
    } finally {
      stubs.shutdownNow();
    }
    scanned.put("webhook deliveries",
        call(stack.at("/webhooks/deliveries").asText(), "GET", "", null, null, scanned));

    assertThat(devstack.stop(Duration.ofSeconds(60))).as("exit status after SIGTERM").isIn(0, 143);
    scanned.put("console", devstack.console());
    scanned.put("log file", Files.readString(Path.of(stack.get("logs").asText())));

    assertThat(scanned.get("log file")).as("the log file has the services' logs")
        .contains("worker polling task queue");
    assertThat(scanned.keySet()).anyMatch(name -> name.startsWith("history of"));
    for (Map.Entry<String, String> place : scanned.entrySet()) {
      for (Map.Entry<String, String> secret : secrets.entrySet()) {
        assertThat(place.getValue())
            .as("%s must not contain the %s", place.getKey(), secret.getKey())
            .doesNotContain(secret.getValue());
      }
    }
  }

  /** Each secret, and the part of it that is secret on its own (after the id or the prefix). */
  private static Map<String, String> secretsOf(Map<String, String> named) {
    Map<String, String> secrets = new LinkedHashMap<>();
    named.forEach((name, value) -> {
      assertThat(value).as(name).hasSizeGreaterThan(12);
      secrets.put(name, value);
      int cut = Math.max(value.lastIndexOf('.'), value.lastIndexOf('_'));
      if (cut > 0 && value.length() - cut > 12) {
        secrets.put(name + " (its secret part)", value.substring(cut + 1));
      }
    });
    return secrets;
  }

  private static JsonNode awaitDescription(Path file, JavaProcess devstack) throws Exception {
    try {
      // The file is written whole at start-up and again when the control endpoint is up.
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
          .ignoreExceptionsInstanceOf(JsonProcessingException.class)
          .until(() -> Files.exists(file) && MAPPER.readTree(Files.readString(file)).has("control"));
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException("the devstack did not come up:\n" + devstack.console(), e);
    }
    return MAPPER.readTree(Files.readString(file));
  }

  private static String createPayment(String api, String key, String token, Map<String, String> scanned)
      throws Exception {
    String body = call(api, "POST", "/v1/payments", key,
        "{\"amount\":1999,\"currency\":\"EUR\",\"paymentMethod\":\"" + token + "\"}", scanned);
    return MAPPER.readTree(body).get("id").asText();
  }

  private static void awaitFinal(String api, String key, List<String> ids) {
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
      for (String id : ids) {
        String status = MAPPER.readTree(call(api, "GET", "/v1/payments/" + id, key, null, null))
            .get("status").asText();
        if (!FINAL.contains(status)) {
          return false;
        }
      }
      return true;
    });
  }

  /** One request; its answer is kept under its name in {@code scanned} (when given). */
  private static String call(String base, String method, String path, String key, String body,
      Map<String, String> scanned) throws Exception {
    ApiClient.Request request = new ApiClient(() -> base).request(method, path);
    if (key != null) {
      request.bearer(key);
    }
    if (body != null) {
      request.header("Idempotency-Key", UUID.randomUUID().toString()).json(body);
    }
    ApiClient.Reply response = request.send();
    if (scanned != null) {
      scanned.put(method + " " + path + " #" + scanned.size() + " (" + response.status() + ")", response.body());
    }
    return response.body();
  }
}
