package io.durapay.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A small load run through the whole event path, so the books the 5 000-payment run reports
 * ({@code devstack load}) are checked in every build: every count agrees and nothing answered 5xx.
 */
class LoadRunIT {
  /** Four per client: enough for the clients to overlap; the books, not the volume, are the point. */
  private static final int PAYMENTS = 32;

  @Test
  void concurrentClientsPaymentsAreEachPublishedStartedFinishedAndChargedOnce() throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    LoadRun.Result result;
    try (Stack stack = Stack.start(StackSettings.anyFreePorts(Files.createTempDirectory("durapay-load-it")))) {
      result = new LoadRun(stack, new PrintStream(console, true, StandardCharsets.UTF_8))
          .run(PAYMENTS, 8, Duration.ofSeconds(90));
    }
    String printed = console.toString(StandardCharsets.UTF_8);

    assertThat(result.statuses()).as(printed).isEqualTo(Map.of(201, (long) PAYMENTS));
    assertThat(result.published()).as(printed).isEqualTo(PAYMENTS);
    assertThat(result.workflows()).as(printed).isEqualTo(PAYMENTS);
    assertThat(result.finalStates()).as(printed).isEqualTo(PAYMENTS);
    assertThat(result.completed()).as(printed).isEqualTo(PAYMENTS);
    assertThat(result.charges()).as(printed).isEqualTo(PAYMENTS);
    assertThat(result.paymentsCharged()).as(printed).isEqualTo(PAYMENTS);
    assertThat(result.refunds()).isZero();
    assertThat(result.agrees()).isTrue();
    assertThat(printed).contains("the books agree");
  }
}
