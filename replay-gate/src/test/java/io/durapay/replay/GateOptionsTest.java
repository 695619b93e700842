package io.durapay.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.durapay.replay.GateOptions.UsageException;
import io.durapay.worker.v1.PaymentWorkflowV1Impl;
import io.durapay.worker.v2.PaymentWorkflowV2Impl;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GateOptionsTest {

  @Test
  void theDatabaseModeHasDefaultsAndTakesCredentialsFromTheEnvironment() throws Exception {
    GateOptions options = GateOptions.parse(
        new String[] {"--build", "v2", "--database-url", "jdbc:postgresql://db/durapay",
            "--temporal", "temporal:7233"},
        Map.of("DATABASE_USER", "gate", "DATABASE_PASSWORD", "s3cret"));

    assertThat(options.workflowClass()).isEqualTo(PaymentWorkflowV2Impl.class);
    assertThat(options.since()).isEqualTo(Duration.ofHours(24));
    assertThat(options.limit()).isEqualTo(1000);
    assertThat(options.namespace()).isEqualTo("default");
    assertThat(options.databaseUser()).isEqualTo("gate");
    assertThat(options.databasePassword()).isEqualTo("s3cret");
    assertThat(options.toString()).doesNotContain("s3cret");
  }

  @Test
  void idsAreTrimmedAndDeduplicated() throws Exception {
    GateOptions options = GateOptions.parse(
        new String[] {"--build", "v1", "--ids", "pay_1, payment-pay_2,pay_1,", "--temporal", "t:7233",
            "--namespace", "payments"},
        Map.of());

    assertThat(options.workflowClass()).isEqualTo(PaymentWorkflowV1Impl.class);
    assertThat(options.ids()).containsExactly("pay_1", "payment-pay_2");
    assertThat(options.namespace()).isEqualTo("payments");
  }

  @Test
  void sinceTakesSecondsMinutesHoursAndDays() throws Exception {
    assertThat(since("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(since("30m")).isEqualTo(Duration.ofMinutes(30));
    assertThat(since("7d")).isEqualTo(Duration.ofDays(7));
    assertThatThrownBy(() -> since("24")).isInstanceOf(UsageException.class);
    assertThatThrownBy(() -> since("0h")).isInstanceOf(UsageException.class);
  }

  @Test
  void aFlagWithoutItsValueIsRefused() {
    assertThatThrownBy(() -> GateOptions.parse(
            new String[] {"--build", "v2", "--ids", "--temporal", "t:7233"}, Map.of()))
        .isInstanceOf(UsageException.class)
        .hasMessage("--ids needs a value");
  }

  @Test
  void anUnknownFlagAndAFlagGivenTwiceAreRefusedByName() {
    assertThatThrownBy(() -> GateOptions.parse(new String[] {"--build", "v2", "--colour", "red"}, Map.of()))
        .isInstanceOf(UsageException.class).hasMessage("unknown argument: --colour");
    assertThatThrownBy(() -> GateOptions.parse(
            new String[] {"--build", "v2", "--histories", "a", "--histories", "b"}, Map.of()))
        .isInstanceOf(UsageException.class).hasMessage("--histories is given twice");
    assertThatThrownBy(() -> GateOptions.parse(new String[] {"--build"}, Map.of()))
        .isInstanceOf(UsageException.class).hasMessage("--build needs a value");
  }

  private static Duration since(String value) throws UsageException {
    return GateOptions.parse(
            new String[] {"--build", "v2", "--database-url", "jdbc:postgresql://db/durapay",
                "--temporal", "t:7233", "--since", value},
            Map.of())
        .since();
  }
}
