package io.durapay.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DevStackTest {

  @Test
  void defaultsAreTheWellKnownPortsAndTheEmbeddedParts() {
    StackSettings settings = DevStack.parse(List.of(), Map.of());

    assertThat(settings.dataDir()).isEqualTo(Path.of(".durapay"));
    assertThat(settings.apiPort()).isEqualTo(8080);
    assertThat(settings.temporalPort()).isEqualTo(7233);
    assertThat(settings.temporal()).isEqualTo(StackSettings.EmbeddedTemporal.DEV_SERVER);
    assertThat(settings.temporalUiPort()).isEqualTo(8233);
    assertThat(settings.workers()).containsExactly("v1");
    assertThat(settings.route()).isEqualTo("v1");
    assertThat(settings.publishingMode()).isEqualTo("sns");
    assertThat(settings.external().databaseUrl()).isNull();
    assertThat(settings.external().temporalAddress()).isNull();
  }

  @Test
  void theCommandAndItsOwnOptionsAreReadBesideTheStacks() {
    DevStack.Arguments load = DevStack.Arguments.read(List.of("load", "--api-port", "0", "--payments", "40"));
    DevStack.Arguments up = DevStack.Arguments.read(List.of("--control-port", "0", "--versioning"));

    assertThat(load.command()).isEqualTo("load");
    assertThat(load.number("--payments", 5000, 1, 10_000)).isEqualTo(40);
    assertThat(load.number("--clients", 16, 1, 1000)).as("not given: the default").isEqualTo(16);
    assertThat(up.command()).as("no command: up").isEqualTo("up");
    assertThat(up.number("--control-port", 8097, 0, 65535)).isZero();
    assertThat(up.options()).containsEntry("--versioning", "true");
    assertThatThrownBy(() -> DevStack.Arguments.read(List.of("--control-port")))
        .hasMessageContaining("--control-port needs a value");
    assertThatThrownBy(() -> DevStack.Arguments.read(List.of("load", "--payments", "many"))
            .number("--payments", 1, 1, 10))
        .hasMessageContaining("--payments must be a whole number, not many");
    assertThatThrownBy(() -> DevStack.Arguments.read(List.of("load", "--clients", "0")).number("--clients", 1, 1, 10))
        .hasMessageContaining("--clients must be from 1 to 10");
    assertThatThrownBy(() -> DevStack.Arguments.read(List.of("up", "--rollout")))
        .hasMessageContaining("--rollout goes with demo, not up");
    assertThatThrownBy(() -> DevStack.Arguments.read(List.of("demo", "--strategy", "versioning")))
        .hasMessageContaining("--strategy goes with demo --rollout");
    assertThatThrownBy(() -> DevStack.Arguments.read(List.of("launch")))
        .hasMessageContaining("unknown command launch");
    assertThatThrownBy(() -> DevStack.Arguments.read(List.of("--api-port", "1", "--api-port", "2")))
        .hasMessageContaining("--api-port is given twice");
  }

  @Test
  void optionsSetTheDataFolderPortsAndMode() {
    StackSettings settings = DevStack.parse(
        List.of("--data", "/tmp/stack-b", "--api-port", "0", "--sqs-port", "19324", "--mode", "direct",
            "--workers", "v1,v2", "--route", "v2", "--temporal", "test-server", "--temporal-ui-port", "18233"),
        Map.of());

    assertThat(settings.temporal()).isEqualTo(StackSettings.EmbeddedTemporal.TEST_SERVER);
    assertThat(settings.temporalUiPort()).isEqualTo(18233);

    assertThat(settings.dataDir()).isEqualTo(Path.of("/tmp/stack-b"));
    assertThat(settings.apiPort()).isZero();
    assertThat(settings.sqsPort()).isEqualTo(19324);
    assertThat(settings.adminPort()).isEqualTo(8081);
    assertThat(settings.publishingMode()).isEqualTo("direct");
    assertThat(settings.workers()).containsExactly("v1", "v2");
    assertThat(settings.route()).isEqualTo("v2");
  }

  @Test
  void theServicesVariablesReplaceEmbeddedParts() {
    StackSettings settings = DevStack.parse(List.of(), Map.of(
        "DATABASE_URL", "jdbc:postgresql://db:5432/durapay", "DATABASE_USER", "durapay",
        "TEMPORAL_ADDRESS", "temporal:7233", "GATEWAY_URL", "https://gateway.example",
        "GATEWAY_SECRET_KEY", "sk_x"));

    assertThat(settings.external().databaseUrl()).isEqualTo("jdbc:postgresql://db:5432/durapay");
    assertThat(settings.external().databaseUser()).isEqualTo("durapay");
    assertThat(settings.external().temporalAddress()).isEqualTo("temporal:7233");
    assertThat(settings.external().gatewayUrl()).isEqualTo("https://gateway.example");
  }

  @Test
  void eachWorkerBuildCarriesTheBuildIdItsJarWasBuiltWith() {
    // Artifact, version and commit: v1 and v2 of one commit differ, a rebuild elsewhere is new.
    assertThat(Stack.buildId("v1")).matches("worker-v1-\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?-([0-9a-f]{7}|nogit)");
    assertThat(Stack.buildId("v2")).matches("worker-v2-\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?-([0-9a-f]{7}|nogit)");
    assertThat(Stack.buildId("v1").substring("worker-v1".length()))
        .as("the same version and commit").isEqualTo(Stack.buildId("v2").substring("worker-v2".length()));
  }

  @Test
  void badOptionsAreRefusedByName() {
    assertThatThrownBy(() -> DevStack.parse(List.of("--colour", "red"), Map.of()))
        .hasMessageContaining("--colour");
    assertThatThrownBy(() -> DevStack.parse(List.of("--api-port"), Map.of()))
        .hasMessageContaining("--api-port needs a value");
    assertThatThrownBy(() -> DevStack.parse(List.of("--api-port", "70000"), Map.of()))
        .hasMessageContaining("--api-port");
    assertThatThrownBy(() -> DevStack.parse(List.of("--mode", "kafka"), Map.of()))
        .hasMessageContaining("--mode");
    assertThatThrownBy(() -> DevStack.parse(List.of("--workers", "v1,v3"), Map.of()))
        .hasMessageContaining("v3");
    assertThatThrownBy(() -> DevStack.parse(List.of("--temporal", "cloud"), Map.of()))
        .hasMessageContaining("--temporal must be dev-server or test-server, not cloud");
    assertThatThrownBy(() -> DevStack.parse(List.of("--route", "v2"), Map.of()))
        .hasMessageContaining("--route v2 needs a v2 worker");
  }
}
