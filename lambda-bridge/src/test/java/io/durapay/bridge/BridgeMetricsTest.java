package io.durapay.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The batch's figures as CloudWatch's Embedded Metric Format reads them. */
class BridgeMetricsTest {
  @Test
  void aBatchIsOneEmbeddedMetricFormatLine() throws Exception {
    BridgeMetrics.Batch batch = new BridgeMetrics.Batch(5);
    batch.started.set(2);
    batch.alreadyStarted.set(1);
    batch.failed.set(1);
    batch.rejected.set(1);

    JsonNode line = new ObjectMapper().readTree(BridgeMetrics.line(batch, 1_764_700_000_000L));

    JsonNode directive = line.get("_aws").get("CloudWatchMetrics").get(0);
    assertThat(line.get("_aws").get("Timestamp").asLong()).isEqualTo(1_764_700_000_000L);
    assertThat(directive.get("Namespace").asText()).isEqualTo("durapay/bridge");
    assertThat(directive.get("Dimensions").get(0)).isEmpty();
    for (JsonNode metric : directive.get("Metrics")) {
      assertThat(line.has(metric.get("Name").asText())).as(metric.toString()).isTrue();
      assertThat(metric.get("Unit").asText()).isEqualTo("Count");
    }
    assertThat(line.get("Messages").asInt()).isEqualTo(5);
    assertThat(line.get("WorkflowsStarted").asInt()).isEqualTo(2);
    assertThat(line.get("AlreadyStarted").asInt()).isEqualTo(1);
    assertThat(line.get("StartFailures").asInt()).isEqualTo(1);
    assertThat(line.get("RejectedMessages").asInt()).isEqualTo(1);
  }
}
