package io.durapay.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.durapay.apiclient.ApiClient;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.TaskQueues;
import io.durapay.store.PaymentDao;
import io.durapay.store.StatusHistoryEntry;
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
 * {@code ci/rollout --devstack URL} against a running stack whose payments' charges the gateway
 * holds until blue has stopped: the script deploys green, passes the replay gate, switches the
 * route, sees blue not drained in time, has green adopt blue's queue and stops blue; green then
 * finishes every payment, each charged once. Needs bash, curl and psql, as the script does.
 */
class RolloutScriptIT {
  private static final String BLUE = "v1@" + TaskQueues.PAYMENTS_V1;

  @Test
  void theScriptedRolloutMovesTheStackToGreenAndGreenFinishesBluesStragglers() throws Exception {
    Path data = Files.createTempDirectory("durapay-rollout-script-it");
    try (Stack stack = Stack.start(StackSettings.anyFreePorts(data));
        ControlServer control = new ControlServer(stack, 0)) {
      control.start();
      ApiClient api = new ApiClient(stack::apiUrl);
      String key = stack.demoMerchant().apiKey();
      stack.gateway().holdCharges();
      List<String> payments = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        payments.add(api.createPayment(key, "pm_card_visa", "script"));
      }
      await().atMost(Duration.ofSeconds(30))
          .until(() -> stack.gateway().heldPayments().containsAll(payments));

      Path output = data.resolve("rollout.out");
      Process script = new ProcessBuilder(
              "bash", rolloutScript().toString(), "--devstack", control.url(),
              "--since", "1h", "--drain-timeout", "4", "--adopt-timeout", "150")
          .redirectErrorStream(true)
          .redirectOutput(output.toFile())
          .start();
      String printed;
      try {
        // Blue is stopped with its charges still held, handing them back; then the gateway lets go.
        await().atMost(Duration.ofSeconds(120))
            .until(() -> !script.isAlive() || !stack.workers().contains(BLUE));
        stack.gateway().releaseAll();
        boolean exited = script.waitFor(4, TimeUnit.MINUTES);
        printed = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(exited).as(printed).isTrue();
      } finally {
        script.descendants().forEach(ProcessHandle::destroyForcibly);
        script.destroyForcibly();
      }
      assertThat(script.exitValue()).as(printed).isZero();
      assertThat(printed).contains("2/6 replay gate", "still open on payment-processing-v1",
          "green finishes blue's stragglers", "6/6 rolled out");
      // The dev server has visibility: the gate and the drain watch ask Temporal, not the table.
      assertThat(printed).contains("(selected by visibility)",
          "watch blue drain (up to 4s): Temporal's visibility, CountWorkflowExecutions");
      assertThat(printed).as("hook commands are not echoed").doesNotContain("curl");

      assertThat(stack.route()).isEqualTo("v2");
      assertThat(stack.workers()).containsExactlyInAnyOrder(
          "v2@" + TaskQueues.PAYMENTS_V2, "v2@" + TaskQueues.PAYMENTS_V1);
      PaymentDao dao = stack.jdbi().onDemand(PaymentDao.class);
      for (String id : payments) {
        assertThat(dao.findById(id).orElseThrow().status()).as(id).isEqualTo(PaymentStatus.COMPLETED);
        assertThat(stack.gateway().charges().stream().filter(c -> c.paymentId().equals(id)).count())
            .as("charges of " + id).isEqualTo(1);
        // Moved to processing by blue, finished by green on blue's queue.
        assertThat(dao.history(id).stream().map(StatusHistoryEntry::workerBuild).filter(Objects::nonNull))
            .as("builds of " + id).startsWith("v1").endsWith("v2");
      }

      String after = api.createPayment(key, "pm_card_visa", "after the rollout");
      await().atMost(Duration.ofSeconds(60)).until(() -> dao.findById(after).orElseThrow().status().isFinal());
      assertThat(dao.findById(after).orElseThrow().status()).isEqualTo(PaymentStatus.COMPLETED);
      assertThat(dao.findById(after).orElseThrow().taskQueue()).isEqualTo(TaskQueues.PAYMENTS_V2);
    }
  }

  private static Path rolloutScript() {
    // Tests run in the module's folder; the script lives at the top of the repository.
    Path script = Path.of("..", "ci", "rollout").toAbsolutePath().normalize();
    assertThat(script).isReadable();
    return script;
  }
}
