package io.durapay.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.durapay.apiclient.ApiClient.Reply;
import io.durapay.api.testing.ApiUnderTest;
import io.durapay.api.testing.TestApp;
import io.durapay.apiclient.ApiClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The API started on production's own config.yml, its logs written as that file says (Dropwizard's
 * json and access-json layouts) but to files: each line a JSON object; the lines of a payment carry its correlationId and paymentId;
 * the access log carries the correlation id and the path, never the query string.
 */
class JsonLogsIT {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Path LOGS = TestApp.logDir("durapay-json-logs");

  @RegisterExtension
  static final ApiUnderTest API = ApiUnderTest.onConfig(
      Path.of("config.yml").toAbsolutePath().toString(),
      ConfigOverride.config("server.applicationConnectors[0].port", "0"),
      ConfigOverride.config("server.adminConnectors[0].port", "0"),
      ConfigOverride.config("sns.accessKeyId", "AKIATESTTESTTEST"),
      ConfigOverride.config("sns.secretAccessKey", "test-secret-access-key-never-logged"),
      ConfigOverride.config("temporal.target", "127.0.0.1:1"),
      ConfigOverride.config("reconciler.enabled", "false"),
      // Production's appenders and layouts, written to files instead of the console.
      ConfigOverride.config("server.requestLog.appenders[0].type", "file"),
      ConfigOverride.config("server.requestLog.appenders[0].currentLogFilename", LOGS.resolve("requests.log").toString()),
      ConfigOverride.config("server.requestLog.appenders[0].archive", "false"),
      ConfigOverride.config("logging.appenders[0].type", "file"),
      ConfigOverride.config("logging.appenders[0].currentLogFilename", LOGS.resolve("application.log").toString()),
      ConfigOverride.config("logging.appenders[0].archive", "false"));

  @Test
  void aPaymentsLinesCarryItsCorrelationIdAndTheAccessLogNoQueryString() {
    API.acceptPublishes();
    ApiClient api = API.client();
    String apiKey = API.onboarding().create("Json Shop", "https://merchant.example/hooks", null).apiKey();
    String correlationId = "json-" + UUID.randomUUID();

    Reply created = api.request("POST", "/v1/payments").bearer(apiKey)
        .header("Idempotency-Key", UUID.randomUUID().toString()).header("X-Correlation-Id", correlationId)
        .json("{\"amount\":640,\"currency\":\"EUR\",\"paymentMethod\":\"pm_card_visa\"}").send();
    assertThat(created.status()).isEqualTo(201);
    String paymentId = created.json().get("id").asText();
    api.request("GET", "/v1/payments?limit=5&startingAfter=" + paymentId).bearer(apiKey).send();

    await().atMost(Duration.ofSeconds(20)).until(() -> lines("requests.log").stream()
        .anyMatch(line -> line.path("uri").asText().equals("/v1/payments") && line.path("method").asText().equals("GET")));
    List<JsonNode> application = lines("application.log");
    assertThat(application).anySatisfy(line -> {
      assertThat(line.path("message").asText()).startsWith("payment " + paymentId + " initiated for merchant ");
      assertThat(line.path("mdc").path("correlationId").asText()).isEqualTo(correlationId);
      assertThat(line.path("mdc").path("paymentId").asText()).isEqualTo(paymentId);
    });
    List<JsonNode> requests = lines("requests.log");
    assertThat(requests).anySatisfy(line -> {
      assertThat(line.path("uri").asText()).isEqualTo("/v1/payments");
      assertThat(line.path("method").asText()).isEqualTo("POST");
      assertThat(line.path("responseHeaders").path("X-Correlation-Id").asText()).isEqualTo(correlationId);
    });
    assertThat(String.join("\n", requests.stream().map(JsonNode::toString).toList()))
        .doesNotContain("limit=5", "startingAfter", apiKey.substring(apiKey.indexOf('.') + 1));
  }

  private static List<JsonNode> lines(String log) {
    try {
      Path file = LOGS.resolve(log);
      if (!Files.exists(file)) {
        return List.of();
      }
      return Files.readAllLines(file).stream().filter(l -> l.startsWith("{")).map(l -> {
        try {
          return MAPPER.readTree(l);
        } catch (IOException e) {
          throw new AssertionError("not a JSON line: " + l, e);
        }
      }).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
