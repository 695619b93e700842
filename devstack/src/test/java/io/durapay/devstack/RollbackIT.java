package io.durapay.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.durapay.apiclient.ApiClient;
import io.durapay.contracts.PaymentStatus;
import io.durapay.devstack.VersionedRolloutRun.PaymentReport;
import io.durapay.devstack.VersionedRolloutRun.Report;
import io.durapay.store.PaymentDao;
import io.durapay.store.StatusHistoryEntry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * A deliberately broken green: v2 deployed with a risk limit of 1.00 (a configuration typo), so
 * that it rejects every payment it screens. The gate cannot see it (its workflow charges nothing
 * and is never screened); the 10 % step's health check does: green's payments fail, blue's do not.
 * {@code ci/rollout} rolls back by itself, exits 1 naming the step, and green drains and is
 * stopped. Every payment blue took completed, charged once; every one green took failed before
 * its charge (nothing to refund); no workflow task failed anywhere, then or afterwards.
 */
class RollbackIT {

  @Test
  void aGreenThatFailsItsPaymentsIsRolledBackByTheScriptWithNothingLost() throws Exception {
    Path data = Files.createTempDirectory("durapay-rollback-it");
    try (Stack stack = Stack.start(StackSettings.anyFreePorts(data))) {
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      List<String> args = List.of(
          "--steps", "10,50,100", "--step-pause", "4s", "--min-payments", "3", "--step-timeout", "90s",
          "--baseline", "1m", "--since", "1h", "--drain-timeout", "40s");
      Report report = new VersionedRolloutRun(stack, RolloutVersioningIT.tee(printed))
          .run(RolloutVersioningIT.script(), args, "risk-limit-typo");
      String output = printed.toString(StandardCharsets.UTF_8);

      assertThat(report.exitStatus()).as(output).isEqualTo(1);
      assertThat(output).contains(
          "already_handled, nothing changed",
          "ROLLBACK at 3/5 ramp 10%: FAIL: failed payments: green 100%, blue 0%",
          "rollback: new payments go to blue " + Stack.buildId("v1"),
          "running on green: 0",
          "rollback: hook ROLLOUT_STOP_GREEN",
          "rollback: no workflow task failed since the ramp began, on green or on blue",
          "STOPPED at 3/5 ramp 10%: rolled back to blue");
      assertThat(output).doesNotContain("3/5 ramp 50%", "4/5 promote");
      assertThat(output).as("hook commands are not echoed").doesNotContain("curl");

      List<PaymentReport> payments = report.payments();
      List<PaymentReport> touchedGreen = payments.stream().filter(p -> p.builds().contains("v2")).toList();
      assertThat(touchedGreen).as("payments green took").isNotEmpty();
      for (PaymentReport payment : payments) {
        if (payment.builds().contains("v2")) {
          assertThat(payment.failedUncharged()).as(payment.toString()).isTrue();
          assertThat(payment.failureCode()).as(payment.toString()).isEqualTo("risk_rejected");
          assertThat(payment.webhookVerified()).as("the merchant is told: " + payment).isTrue();
        } else {
          assertThat(payment.completedOnce()).as(payment.toString()).isTrue();
        }
      }

      var routing = stack.workerDeployments().routing();
      assertThat(routing.getCurrentDeploymentVersion().getBuildId()).isEqualTo(Stack.buildId("v1"));
      assertThat(routing.getRampingDeploymentVersion().getBuildId()).isEmpty();
      assertThat(stack.workers()).containsExactly("v1@payment-processing-v1");

      // Afterwards blue takes every payment, and completes it.
      PaymentDao dao = stack.jdbi().onDemand(PaymentDao.class);
      String after = new ApiClient(stack::apiUrl).createPayment(stack.demoMerchant().apiKey(), "pm_card_visa", "after");
      await().atMost(Duration.ofSeconds(60)).until(() -> dao.findById(after).orElseThrow().status().isFinal());
      assertThat(dao.findById(after).orElseThrow().status()).isEqualTo(PaymentStatus.COMPLETED);
      assertThat(dao.history(after).stream().map(StatusHistoryEntry::workerBuild).filter(Objects::nonNull))
          .containsOnly("v1");
    }
  }
}
