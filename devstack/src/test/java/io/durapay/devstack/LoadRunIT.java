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

  @Test
  void concurrentClientsPaymentsAreEachPublishedStartedFinishedAndChargedOnce() throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    LoadRun.Result result;
    try (Stack stack = Stack.start(StackSettings.anyFreePorts(Files.createTempDirectory("durapay-load-it")))) {
      result = new LoadRun(stack, new PrintStream(console, true, StandardCharsets.UTF_8))
          .run(60, 8, Duration.ofSeconds(90));
    }
    String printed = console.toString(StandardCharsets.UTF_8);

    assertThat(result.statuses()).as(printed).isEqualTo(Map.of(201, 60L));
    assertThat(result.published()).as(printed).isEqualTo(60);
    assertThat(result.workflows()).as(printed).isEqualTo(60);
    assertThat(result.finalStates()).as(printed).isEqualTo(60);
    assertThat(result.completed()).as(printed).isEqualTo(60);
    assertThat(result.charges()).as(printed).isEqualTo(60);
    assertThat(result.paymentsCharged()).as(printed).isEqualTo(60);
    assertThat(result.refunds()).isZero();
    assertThat(result.agrees()).isTrue();
    assertThat(printed).contains("the books agree");
  }
}
