package io.durapay.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.TaskQueues;
import io.durapay.devstack.Rollout.PaymentReport;
import io.durapay.devstack.gateway.SimulatedCharge;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A blue/green rollout with payments in flight, end to end through the event path: green deployed,
 * 20 payments on blue held at the gateway and replay-checked on v2, the route switched, 20 payments on
 * green, blue stopped with half of its charges in flight, green adopting them.
 */
class RolloutIT {

  @Test
  void everyPaymentCompletesOnceAcrossTheSwitchAndTheBuildThatRanItIsRecorded() throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    Rollout.Report report;
    List<SimulatedCharge> charges;
    int refunds;
    try (Stack stack = Stack.start(StackSettings.anyFreePorts(Files.createTempDirectory("durapay-rollout-it")))) {
      report = new Rollout(stack, new PrintStream(console, true, StandardCharsets.UTF_8)).run();
      charges = stack.gateway().charges();
      refunds = stack.gateway().refunds().size();
    }
    String printed = console.toString(StandardCharsets.UTF_8);

    assertThat(report.replayedOnGreen()).as(printed).isEqualTo(Rollout.PER_BUILD);
    assertThat(report.blue()).as(printed).hasSize(Rollout.PER_BUILD);
    assertThat(report.green()).as(printed).hasSize(Rollout.PER_BUILD);
    List<PaymentReport> all = Stream.concat(report.blue().stream(), report.green().stream()).toList();
    assertThat(all).as(printed).allSatisfy(p -> {
      assertThat(p.status()).isEqualTo(PaymentStatus.COMPLETED);
      assertThat(p.charges()).isEqualTo(1);
      assertThat(p.refunds()).isZero();
      assertThat(p.webhookVerified()).isTrue();
      assertThat(p.failedWorkflowTasks()).isZero();
    });

    // The gateway's own books: 40 charges, one per payment, none refunded.
    assertThat(charges).hasSize(2 * Rollout.PER_BUILD);
    assertThat(charges.stream().map(SimulatedCharge::paymentId).distinct())
        .containsExactlyInAnyOrderElementsOf(all.stream().map(PaymentReport::paymentId).toList());
    assertThat(refunds).isZero();

    // The database says who ran what: blue's first half by v1 alone; the stragglers started by
    // v1 and finished by v2 polling blue's queue; green's by v2 on its own queue.
    List<PaymentReport> finishedOnBlue = report.blue().subList(0, Rollout.PER_BUILD / 2);
    List<PaymentReport> adopted = report.blue().subList(Rollout.PER_BUILD / 2, Rollout.PER_BUILD);
    assertThat(finishedOnBlue).as(printed).allSatisfy(p -> {
      assertThat(p.startedOn()).isEqualTo(TaskQueues.PAYMENTS_V1);
      assertThat(p.builds()).containsOnly("v1");
    });
    assertThat(adopted).as(printed).allSatisfy(p -> {
      assertThat(p.startedOn()).isEqualTo(TaskQueues.PAYMENTS_V1);
      assertThat(p.builds()).startsWith("v1").endsWith("v2");
    });
    assertThat(report.green()).as(printed).allSatisfy(p -> {
      assertThat(p.startedOn()).isEqualTo(TaskQueues.PAYMENTS_V2);
      assertThat(p.builds()).containsOnly("v2");
    });
    assertThat(report.ok()).isTrue();
    assertThat(printed).contains("10 finished by v1, 10 adopted and finished by v2");
  }
}
