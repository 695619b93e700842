package io.durapay.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dropwizard.testing.ConfigOverride;
import io.durapay.apiclient.ApiClient.Reply;
import io.durapay.api.testing.ApiUnderTest;
import io.durapay.api.testing.Operator;
import io.durapay.api.testing.TestApp;
import io.durapay.apiclient.ApiClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Secrets never reach a log or an error body: the API runs with its request log and application
 * log written to files, is called the ways a merchant and an operator call it — and the ways they
 * should not, with the API key in the URL — and both files and every answer are then searched for
 * the API key, the webhook secret, the operator's password and the SNS secret key.
 */
class SecretScanIT {
  private static final Path LOGS = TestApp.logDir("durapay-secret-scan");

  @RegisterExtension
  static final ApiUnderTest API = ApiUnderTest.of(
      ConfigOverride.config("server.requestLog.appenders[0].type", "file"),
      ConfigOverride.config("server.requestLog.appenders[0].currentLogFilename", LOGS.resolve("requests.log").toString()),
      ConfigOverride.config("server.requestLog.appenders[0].archive", "false"),
      // Production's level. (At DEBUG, Jetty's own HTTP parser logs every header, Authorization
      // included: never turn org.eclipse.jetty to DEBUG where real keys pass.)
      ConfigOverride.config("logging.level", "INFO"),
      ConfigOverride.config("logging.appenders[0].type", "file"),
      ConfigOverride.config("logging.appenders[0].currentLogFilename", LOGS.resolve("application.log").toString()),
      ConfigOverride.config("logging.appenders[0].archive", "false"));

  private static ApiClient api;
  private static ApiClient admin;
  private static String apiKey;
  private static String webhookSecret;

  @BeforeAll
  static void setUp() {
    API.acceptPublishes();
    api = API.client();
    admin = new ApiClient(API.app().getAdminPort());
    var merchant = API.onboarding().create("Scanned Shop", "https://merchant.example/hooks", null);
    apiKey = merchant.apiKey();
    webhookSecret = merchant.webhookSecret();
  }

  private static long payments() {
    return API.postgres().jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM payments").mapTo(Long.class).one());
  }

  private static String body() {
    return "{\"amount\":700,\"currency\":\"EUR\",\"paymentMethod\":\"pm_card_visa\"}";
  }

  /**
   * A key in the query string is refused before anything is routed or authenticated, under any
   * of the names clients use for it, or under any name when it has a key's shape.
   */
  @Test
  void aKeyInTheUrlIsRefusedAndDoesNothing() {
    String encoded = URLEncoder.encode(apiKey, StandardCharsets.UTF_8);
    long before = payments();
    List<Reply> replies = List.of(
        api.request("GET", "/v1/payments?access_token=" + encoded).send(),
        api.request("POST", "/v1/payments?api_key=" + encoded)
            .header("Idempotency-Key", UUID.randomUUID().toString()).json(body()).send(),
        api.request("POST", "/v1/payments?note=" + encoded).bearer(apiKey)
            .header("Idempotency-Key", UUID.randomUUID().toString()).json(body()).send());

    for (Reply reply : replies) {
      assertThat(reply.status()).as(reply.body()).isEqualTo(400);
      assertThat(reply.error("code")).isEqualTo("credentials_in_url");
      assertThat(reply.error("message")).contains("only in the Authorization header", "rotate it");
      assertThat(reply.body()).doesNotContain(secretOf(apiKey));
    }
    assertThat(payments()).as("no payment made through a refused request").isEqualTo(before);
  }

  @Test
  void noSecretReachesALogOrAnAnswer() {
    List<Reply> replies = new ArrayList<>();
    // What a merchant does, right and wrong.
    Reply created = api.request("POST", "/v1/payments").bearer(apiKey)
        .header("Idempotency-Key", UUID.randomUUID().toString()).json(body()).send();
    assertThat(created.status()).isEqualTo(201);
    replies.add(created);
    replies.add(api.request("GET", "/v1/payments/" + created.json().get("id").asText()).bearer(apiKey).send());
    replies.add(api.request("GET", "/v1/payments?limit=5").bearer(apiKey).send());
    replies.add(api.request("GET", "/v1/payments").bearer(apiKey + "x").send());
    replies.add(api.request("GET", "/v1/payments").bearer(apiKey.substring(0, apiKey.length() - 1) + "A").send());
    replies.add(api.request("GET", "/v1/payments?access_token=" + URLEncoder.encode(apiKey, StandardCharsets.UTF_8)).send());
    replies.add(api.request("POST", "/v1/payments").bearer(apiKey)
        .header("Idempotency-Key", UUID.randomUUID().toString()).json("{\"amount\":\"" + webhookSecret + "\"}").send());
    // What an operator does, right and wrong.
    replies.add(admin.request("POST", "/console/login").body(("name=" + Operator.NAME + "&password="
        + URLEncoder.encode(Operator.PASSWORD, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8),
        "application/x-www-form-urlencoded").send());
    replies.add(admin.request("POST", "/tasks/reconcile-payments").header("Authorization", Operator.basic()).send());
    replies.add(admin.request("POST", "/tasks/reconcile-payments")
        .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
            (Operator.NAME + ":" + Operator.PASSWORD + "-wrong").getBytes(StandardCharsets.UTF_8))).send());
    // The last line both logs must have before they are read.
    String marker = "end-of-scan-" + UUID.randomUUID();
    replies.add(api.request("GET", "/v1/payments/" + marker).bearer(apiKey).send());

    await().atMost(Duration.ofSeconds(20)).until(() -> read("requests.log").contains(marker));
    String requests = read("requests.log");
    String application = read("application.log");
    List<String> secrets = List.of(secretOf(apiKey), webhookSecret, Operator.PASSWORD,
        "test-secret-access-key-never-logged");
    for (String secret : secrets) {
      assertThat(requests).as("the request log").doesNotContain(secret);
      assertThat(application).as("the application log").doesNotContain(secret);
      for (Reply reply : replies) {
        assertThat(reply.body()).as("an answer").doesNotContain(secret);
      }
    }
    assertThat(requests).as("the request log writes paths, never query strings")
        .contains("\"GET /v1/payments HTTP/1.1\" 400").doesNotContain("access_token", "limit=5");
    assertThat(requests).containsPattern("correlationId=[0-9a-f-]{36}");
  }

  private static String secretOf(String key) {
    return key.substring(key.indexOf('.') + 1);
  }

  private static String read(String log) {
    try {
      Path file = LOGS.resolve(log);
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
