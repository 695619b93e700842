package io.durapay.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BridgeConfigTest {

  @Test
  void defaultsReachALocalTemporalAndTheV1Route() {
    BridgeConfig config = BridgeConfig.fromEnvironment(Map.of());

    assertThat(config)
        .isEqualTo(
            new BridgeConfig(
                "127.0.0.1:7233", "default", "payment-processing-v1", null, null, null,
                Duration.ofSeconds(5), 10));
  }

  @Test
  void everySettingComesFromItsVariable() {
    BridgeConfig config =
        BridgeConfig.fromEnvironment(
            Map.of(
                "TEMPORAL_ADDRESS", "payments.a1b2c.tmprl.cloud:7233",
                "TEMPORAL_NAMESPACE", "payments.a1b2c",
                "TEMPORAL_TASK_QUEUE", "payment-processing-v2",
                "TEMPORAL_TLS_CERT", "/opt/temporal/client.pem",
                "TEMPORAL_TLS_KEY", "/opt/temporal/client.key",
                "TEMPORAL_RPC_TIMEOUT_MS", "1500",
                "BRIDGE_START_CONCURRENCY", "25"));

    assertThat(config)
        .isEqualTo(
            new BridgeConfig(
                "payments.a1b2c.tmprl.cloud:7233", "payments.a1b2c", "payment-processing-v2",
                "/opt/temporal/client.pem", "/opt/temporal/client.key", null,
                Duration.ofMillis(1500), 25));
    assertThat(config.temporalConnection().getTarget())
        .isEqualTo("payments.a1b2c.tmprl.cloud:7233");
  }

  @Test
  void anEmptyVariableMeansTheDefault() {
    // CloudFormation passes an unset parameter as an empty string.
    BridgeConfig config =
        BridgeConfig.fromEnvironment(Map.of("TEMPORAL_TLS_CERT", "", "TEMPORAL_NAMESPACE", " "));

    assertThat(config.tlsCertPath()).isNull();
    assertThat(config.namespace()).isEqualTo("default");
  }

  @Test
  void theApiKeyIsNeverPrinted() {
    BridgeConfig config =
        BridgeConfig.fromEnvironment(Map.of("TEMPORAL_API_KEY", "tmprl_k3y-do-not-print"));

    assertThat(config.apiKey()).isEqualTo("tmprl_k3y-do-not-print");
    assertThat(config.toString()).doesNotContain("k3y").contains("apiKey=(set)");
    assertThat(config.temporalConnection().toString()).doesNotContain("k3y");
  }

  @Test
  void aBadNumberNamesItsVariable() {
    assertThatThrownBy(
            () -> BridgeConfig.fromEnvironment(Map.of("BRIDGE_START_CONCURRENCY", "ten")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("BRIDGE_START_CONCURRENCY must be a positive integer, was 'ten'");
    assertThatThrownBy(() -> BridgeConfig.fromEnvironment(Map.of("TEMPORAL_RPC_TIMEOUT_MS", "0")))
        .hasMessageStartingWith("TEMPORAL_RPC_TIMEOUT_MS must be a positive integer");
  }
}
