package io.durapay.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durapay.worker.v1.PaymentWorkflowV1Impl;
import io.durapay.worker.v2.PaymentWorkflowV2Impl;
import io.temporal.api.history.v1.History;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Histories as the Temporal CLI 1.9.1 exported them ({@code temporal workflow show --output json},
 * with and without {@code --no-json-shorthand-payloads}) from a real devstack run on the dev
 * server: {@code src/test/resources/cli-exports/}. That CLI writes payloads in protobuf's form
 * either way; other CLI versions write {@code json/plain} payloads as the values they hold
 * ("shorthand"), which this test makes from the same files.
 */
class ExportedHistoryTest {
  private static final Path EXPORTS = Path.of("src/test/resources/cli-exports");
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @ValueSource(strings = {"success.json", "decline.json", "retry-then-success.json", "cancel-during-charge.no-shorthand.json"})
  void aCliExportOfARealRunReplaysOnBothBuilds(String file) throws Exception {
    WorkflowExecutionHistory history = HistoryFolder.read(EXPORTS.resolve(file));

    assertThat(history.getWorkflowExecution().getWorkflowId()).startsWith("payment-pay_");
    WorkflowReplayer.replayWorkflowExecution(history, PaymentWorkflowV1Impl.class);
    WorkflowReplayer.replayWorkflowExecution(history, PaymentWorkflowV2Impl.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"success.json", "decline.json", "retry-then-success.json"})
  void shorthandPayloadsReadAsThePayloadsTheyStandFor(String file) throws Exception {
    String exported = Files.readString(EXPORTS.resolve(file));
    History original = ExportedHistory.parse(exported);

    String shorthand = toShorthand(exported);
    assertThat(shorthand).doesNotContain("\"data\" : \"eyJ").contains("\"paymentId\"");

    assertThat(ExportedHistory.parse(shorthand)).isEqualTo(original);
  }

  @Test
  void anythingElseIsRefusedWithAReason() {
    assertThatThrownBy(() -> ExportedHistory.parse("[]")).hasMessageContaining("no \"events\" array");
    assertThatThrownBy(() -> ExportedHistory.parse("{\"events\": []}")).hasMessageContaining("no \"events\" array");
    assertThatThrownBy(() -> ExportedHistory.parse("{\"events\": [{\"eventId\": \"x\"}]}"))
        .hasMessageStartingWith("events that are not Temporal history events (");
    assertThatThrownBy(() -> ExportedHistory.parse("{nope")).hasMessageStartingWith("not JSON (");
  }

  /** Each json/plain payload of a {@code payloads} array replaced by the value it holds. */
  private static String toShorthand(String exported) throws Exception {
    JsonNode tree = JSON.readTree(exported);
    shorten(tree);
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree);
  }

  private static void shorten(JsonNode node) throws Exception {
    if (node.isObject()) {
      JsonNode payloads = node.get("payloads");
      if (payloads instanceof ArrayNode array) {
        for (int i = 0; i < array.size(); i++) {
          String encoding = new String(Base64.getDecoder().decode(array.get(i).path("metadata").path("encoding").asText()));
          if (encoding.equals("json/plain") && array.get(i).path("metadata").size() == 1) {
            array.set(i, JSON.readTree(Base64.getDecoder().decode(array.get(i).path("data").asText())));
          }
        }
      }
      for (JsonNode child : List.copyOf(((ObjectNode) node).properties().stream().map(e -> e.getValue()).toList())) {
        shorten(child);
      }
    } else if (node.isArray()) {
      for (JsonNode child : node) {
        shorten(child);
      }
    }
  }
}
