package io.durapay.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.durapay.rollout.Health.Kind;
import io.durapay.rollout.Health.Sample;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthTest {
  private static final HealthThresholds DEFAULTS =
      new HealthThresholds(20, 0, 0.05, 0.05, 2.0, Duration.ofMillis(500));
  private static final Sample HEALTHY_BLUE = sample(100, 0, 0, 0, 80);

  @Test
  void tooFewGreenPaymentsIsWaitNeverPass() {
    var verdict = Health.judge(sample(19, 0, 0, 0, 50), HEALTHY_BLUE, DEFAULTS);
    assertThat(verdict.kind()).isEqualTo(Kind.WAIT);
    assertThat(verdict.describe()).contains("green has finished 19 of the 20 payments a verdict needs");
  }

  @Test
  void aFailedWorkflowTaskOnGreenFailsAtOnceWhateverTheSample() {
    var verdict = Health.judge(sample(1, 0, 0, 1, 50), HEALTHY_BLUE, DEFAULTS);
    assertThat(verdict.kind()).isEqualTo(Kind.FAIL);
    assertThat(verdict.describe()).contains("1 workflow tasks failed on green (at most 0)");
  }

  @Test
  void greenAsGoodAsBluePasses() {
    assertThat(Health.judge(sample(20, 1, 0, 0, 120), sample(40, 2, 0, 0, 100), DEFAULTS).kind())
        .isEqualTo(Kind.PASS);
  }

  @Test
  void moreFailedPaymentsThanBlueAllowsFails() {
    // 3 of 20 is 15 %; blue's 2 of 40 is 5 %: ten points more, five allowed.
    var verdict = Health.judge(sample(20, 3, 0, 0, 80), sample(40, 2, 0, 0, 80), DEFAULTS);
    assertThat(verdict.kind()).isEqualTo(Kind.FAIL);
    assertThat(verdict.describe()).contains("failed payments: green 15%, blue 5% (at most 5 points more)");
  }

  @Test
  void undeliveredWebhooksAreComparedWithBlues() {
    var verdict = Health.judge(sample(20, 0, 4, 0, 80), HEALTHY_BLUE, DEFAULTS);
    assertThat(verdict.describe()).contains("undelivered webhooks: green 20%, blue 0%");
    assertThat(Health.judge(sample(20, 0, 4, 0, 80), sample(100, 0, 20, 0, 80), DEFAULTS).kind())
        .as("blue's merchants' endpoints were down as often").isEqualTo(Kind.PASS);
  }

  @Test
  void latencyFailsOnlyBeyondTwiceBluesAndTheSlack() {
    // blue 80 ms: allowed max(160, 580) = 580 ms.
    assertThat(Health.judge(sample(20, 0, 0, 0, 580), HEALTHY_BLUE, DEFAULTS).kind()).isEqualTo(Kind.PASS);
    var verdict = Health.judge(sample(20, 0, 0, 0, 581), HEALTHY_BLUE, DEFAULTS);
    assertThat(verdict.kind()).isEqualTo(Kind.FAIL);
    assertThat(verdict.describe()).contains("p95 schedule-to-start: green 581 ms, blue 80 ms (at most 580 ms)");
  }

  @Test
  void aBlueWithoutFinishedPaymentsCountsAsPerfect() {
    Sample quietBlue = new Sample(0, 0, 0, 0, 0, null);
    assertThat(Health.judge(sample(20, 0, 0, 0, 80), quietBlue, DEFAULTS).kind()).isEqualTo(Kind.PASS);
    assertThat(Health.judge(sample(20, 2, 0, 0, 80), quietBlue, DEFAULTS).kind()).isEqualTo(Kind.FAIL);
  }

  @Test
  void p95IsTheNearestRank() {
    List<Duration> waits = java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(Duration::ofMillis).toList();
    assertThat(Health.p95(waits)).isEqualTo(Duration.ofMillis(19));
    assertThat(Health.p95(List.of())).isNull();
  }

  private static Sample sample(int finished, int failed, int webhookFailed, int taskFailures, long p95Millis) {
    return new Sample(finished, finished, failed, webhookFailed, taskFailures, Duration.ofMillis(p95Millis));
  }
}
