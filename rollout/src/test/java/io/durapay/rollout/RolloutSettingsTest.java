package io.durapay.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.durapay.rollout.RolloutSettings.UsageException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutSettingsTest {
  private static final Map<String, String> HOOKS = Map.of(
      "ROLLOUT_DEPLOY_GREEN", "deploy", "ROLLOUT_STOP_BLUE", "stop", "DATABASE_USER", "durapay");
  private static final String[] REQUIRED = {"--temporal", "127.0.0.1:7233", "--database-url", "jdbc:postgresql://db/durapay"};

  @Test
  void theDefaultsAreTheDocumentedOnes() throws Exception {
    RolloutSettings settings = RolloutSettings.parse(REQUIRED, HOOKS);
    assertThat(settings.deployment()).isEqualTo("durapay-payments");
    assertThat(settings.steps()).containsExactly(10, 50, 100);
    assertThat(settings.stepPause()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.thresholds()).isEqualTo(new HealthThresholds(20, 0, 0.05, 0.05, 2.0, Duration.ofMillis(500)));
    assertThat(settings.drainTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(settings.databaseUser()).isEqualTo("durapay");
    assertThat(RolloutSettings.USAGE).contains("--steps 10,50,100", "--min-payments 20", "--max-failed-increase 0.05");
  }

  @Test
  void stepsMustRiseAndEndAtAHundred() {
    assertThatThrownBy(() -> RolloutSettings.steps("10,50")).hasMessageContaining("must end at 100");
    assertThatThrownBy(() -> RolloutSettings.steps("50,10,100")).hasMessageContaining("must rise from 1 to 100");
    assertThatThrownBy(() -> RolloutSettings.steps("ten")).hasMessageContaining("a list of percentages");
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> parse("--step-pause", "30")).hasMessage(
        "--step-pause: a duration is a number and ms, s, m, h or d (30s, 10m), not 30");
    assertThatThrownBy(() -> parse("--max-failed-increase", "5")).hasMessageContaining("a share between 0 and 1");
    assertThatThrownBy(() -> parse("--min-payments", "0")).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> parse("--green-code", "v3")).hasMessageContaining("--green-code is v1 or v2");
    assertThatThrownBy(() -> parse("--bogus", "1")).hasMessage("unknown argument: --bogus");
  }

  @Test
  void theHooksAreRequired() {
    assertThatThrownBy(() -> RolloutSettings.parse(REQUIRED, Map.of("ROLLOUT_DEPLOY_GREEN", "deploy")))
        .isInstanceOf(UsageException.class).hasMessageContaining("set ROLLOUT_STOP_BLUE");
  }

  private static RolloutSettings parse(String flag, String value) throws UsageException {
    List<String> args = new java.util.ArrayList<>(List.of(REQUIRED));
    args.addAll(List.of(flag, value));
    return RolloutSettings.parse(args.toArray(String[]::new), HOOKS);
  }
}
