package io.durapay.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.durapay.apiclient.ApiClient;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.WorkflowIds;
import io.durapay.store.PaymentDao;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code devstack up}, Ctrl-C, {@code devstack up} again: the real Temporal server keeps its state
 * in the data folder (as PostgreSQL does), so a payment caught mid-charge by the stop finishes
 * after the restart, charged once.
 */
class DevStackRestartIT {

  @Test
  void aPaymentHeldAtTheGatewayAcrossARestartCompletesAfterwardsChargedOnce() throws Exception {
    Path data = Files.createTempDirectory("durapay-restart-it");
    String id;
    String apiKey;
    String runId;
    try (Stack first = Stack.start(StackSettings.anyFreePorts(data))) {
      apiKey = first.demoMerchant().apiKey();
      first.gateway().holdCharges();
      id = new ApiClient(first::apiUrl).createPayment(apiKey, "pm_card_visa", "across a restart");
      await().atMost(Duration.ofSeconds(30)).until(() -> first.gateway().heldPayments().contains(id));
      assertThat(first.gateway().charges()).noneMatch(c -> c.paymentId().equals(id));
      runId = first.workflowClient().newUntypedWorkflowStub(WorkflowIds.forPayment(id)).describe()
          .getExecution().getRunId();
    }

    try (Stack second = Stack.start(StackSettings.anyFreePorts(data))) {
      assertThat(second.demoMerchant().apiKey()).isEqualTo(apiKey);
      // The server kept the workflow: the same run, not a new one. (It may already be moving: the
      // attempt the stopping worker handed back is retried a few seconds later.)
      assertThat(second.workflowClient().newUntypedWorkflowStub(WorkflowIds.forPayment(id)).describe()
          .getExecution().getRunId()).as("the run the stop left").isEqualTo(runId);
      PaymentDao payments = second.jdbi().onDemand(PaymentDao.class);

      // The stopping worker handed the unfinished attempt back; the new worker retries it and charges.
      await().atMost(Duration.ofSeconds(90)).until(() -> payments.findById(id).orElseThrow().status().isFinal());
      assertThat(payments.findById(id).orElseThrow().status()).isEqualTo(PaymentStatus.COMPLETED);
      assertThat(second.gateway().charges()).filteredOn(c -> c.paymentId().equals(id)).singleElement()
          .satisfies(charge -> assertThat(charge.idempotencyKey()).startsWith("confirm-" + id + "-"));
      await().atMost(Duration.ofSeconds(30)).until(() ->
          second.webhooks().deliveriesFor(id).stream().anyMatch(d -> d.verified() && d.status() == 204));
    }
  }
}
