package io.durapay.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.TaskQueues;
import io.durapay.store.PaymentDao;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ci/rollout --devstack URL} against a running stack with payments in flight: the script
 * deploys green, passes the replay gate, switches the route, adopts blue's queue and stops blue,
 * and every payment completes, charged once.
 */
class RolloutScriptIT {

  @Test
  void theScriptedRolloutMovesTheStackToGreenWithoutFailingAPayment() throws Exception {
    Path data = Files.createTempDirectory("durapay-rollout-script-it");
    try (Stack stack = Stack.start(StackSettings.anyFreePorts(data));
        ControlServer control = new ControlServer(stack, 0)) {
      control.start();
      MerchantApi api = new MerchantApi(stack::apiUrl);
      String key = stack.demoMerchant().apiKey();
      List<String> payments = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        // Slow charges: some are still in flight while the script runs.
        payments.add(api.createPayment(key, i % 2 == 0 ? "pm_card_slow" : "pm_card_visa", "script"));
      }

      Path output = data.resolve("rollout.out");
      Process script = new ProcessBuilder(
              "bash", rolloutScript().toString(), "--devstack", control.url(),
              "--since", "1h", "--drain-timeout", "90")
          .redirectErrorStream(true)
          .redirectOutput(output.toFile())
          .start();
      boolean exited = script.waitFor(5, TimeUnit.MINUTES);
      if (!exited) {
        script.destroyForcibly();
      }
      String printed = Files.readString(output, StandardCharsets.UTF_8);
      assertThat(exited).as(printed).isTrue();
      assertThat(script.exitValue()).as(printed).isZero();
      assertThat(printed).contains("2/6 replay gate", "6/6 rolled out");

      assertThat(stack.route()).isEqualTo("v2");
      assertThat(stack.workers()).containsExactlyInAnyOrder(
          "v2@" + TaskQueues.PAYMENTS_V2, "v2@" + TaskQueues.PAYMENTS_V1);
      payments.add(api.createPayment(key, "pm_card_visa", "after the rollout"));

      PaymentDao dao = stack.jdbi().onDemand(PaymentDao.class);
      await().atMost(Duration.ofSeconds(60))
          .until(() -> payments.stream().allMatch(id -> dao.findById(id).orElseThrow().status().isFinal()));
      for (String id : payments) {
        assertThat(dao.findById(id).orElseThrow().status()).as(id).isEqualTo(PaymentStatus.COMPLETED);
        assertThat(stack.gateway().charges().stream().filter(c -> c.paymentId().equals(id)).count())
            .as("charges of " + id).isEqualTo(1);
      }
      assertThat(dao.findById(payments.get(payments.size() - 1)).orElseThrow().taskQueue())
          .isEqualTo(TaskQueues.PAYMENTS_V2);
    }
  }

  private static Path rolloutScript() {
    // Tests run in the module's folder; the script lives at the top of the repository.
    Path script = Path.of("..", "ci", "rollout").toAbsolutePath().normalize();
    assertThat(script).isReadable();
    return script;
  }
}
