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
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code devstack demo --rollout --strategy versioning}: the versioned rollout program (what
 * {@code ci/rollout --strategy versioning} runs; {@link RollbackIT} runs it through the script)
 * on the real dev server, with payments
 * arriving all along and every fourth one's charge held at the gateway: green (v2) is deployed as
 * an inactive version, gated, ramped 10 % / 50 % / 100 % with a health verdict at each step,
 * promoted; blue's last workflows are moved to green and blue's workers are stopped with some of
 * their charges still held. Every payment completes, charged exactly once, never refunded, with a
 * verified webhook, no failed workflow task, and the server's version agreeing with the database.
 */
class RolloutVersioningIT {

  @Test
  void greenIsRampedInStepByStepAndEveryPaymentInFlightCompletesExactlyOnce() throws Exception {
    Path data = Files.createTempDirectory("durapay-rollout-versioning-it");
    try (Stack stack = Stack.start(StackSettings.anyFreePorts(data))) {
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      Report report = new VersionedRolloutRun(stack, tee(printed))
          .run(VersionedRolloutRun.inProcess(), VersionedRolloutRun.DEMO_ARGS, "");
      String output = printed.toString(StandardCharsets.UTF_8);

      assertThat(report.exitStatus()).as(output).isZero();
      assertThat(report.ok()).as("what the demo's exit status says").isTrue();
      assertThat(output).contains(
          "1/5 deploy green", "an inactive version polling payment-processing-v1",
          "2/5 gate", "already_handled, nothing changed",
          "3/5 ramp 10%: PASS", "3/5 ramp 50%: PASS", "3/5 ramp 100%: PASS",
          "4/5 promote", "rolled out: green " + Stack.buildId("v2") + " is current");

      List<PaymentReport> payments = report.payments();
      assertThat(payments).hasSizeGreaterThanOrEqualTo(40);
      for (PaymentReport payment : payments) {
        assertThat(payment.completedOnce()).as(payment.toString()).isTrue();
      }
      assertThat(payments).as("started and finished on blue").anyMatch(p -> p.builds().stream().allMatch("v1"::equals));
      assertThat(payments).as("started and finished on green").anyMatch(p -> p.builds().stream().allMatch("v2"::equals));
      assertThat(payments).as("moved from blue to green after promotion, blue stopped under them")
          .anyMatch(p -> p.builds().get(0).equals("v1") && p.builds().get(p.builds().size() - 1).equals("v2"));
      assertThat(stack.workers()).containsExactly("v2@payment-processing-v1");
      assertThat(stack.workerDeployments().currentBuildId()).isEqualTo(Stack.buildId("v2"));

      // New payments after the rollout run on green.
      PaymentDao dao = stack.jdbi().onDemand(PaymentDao.class);
      String after = new ApiClient(stack::apiUrl).createPayment(stack.demoMerchant().apiKey(), "pm_card_visa", "after");
      await().atMost(Duration.ofSeconds(60)).until(() -> dao.findById(after).orElseThrow().status().isFinal());
      assertThat(dao.findById(after).orElseThrow().status()).isEqualTo(PaymentStatus.COMPLETED);
      assertThat(dao.history(after).stream().map(StatusHistoryEntry::workerBuild).filter(Objects::nonNull))
          .containsOnly("v2");
    }
  }

  /** Runs {@code ci/rollout --strategy versioning --devstack URL}, its output into {@code out}. */
  static VersionedRolloutRun.Launcher script() {
    return (stack, controlUrl, rolloutArgs, env, out) -> {
      List<String> command = new ArrayList<>(List.of(
          "bash", rolloutScript().toString(), "--strategy", "versioning", "--devstack", controlUrl));
      command.addAll(rolloutArgs);
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().putAll(env);
      Process process = builder.start();
      try {
        process.getInputStream().transferTo(out);
        assertThat(process.waitFor(6, TimeUnit.MINUTES)).isTrue();
        return process.exitValue();
      } finally {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    };
  }

  static PrintStream tee(ByteArrayOutputStream copy) {
    return new PrintStream(new OutputStream() {
      @Override
      public void write(int b) {
        copy.write(b);
        System.out.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        copy.write(b, off, len);
        System.out.write(b, off, len);
      }
    }, true, StandardCharsets.UTF_8);
  }

  private static Path rolloutScript() {
    // Tests run in the module's folder; the script lives at the top of the repository.
    Path script = Path.of("..", "ci", "rollout").toAbsolutePath().normalize();
    assertThat(script).isReadable();
    return script;
  }
}
