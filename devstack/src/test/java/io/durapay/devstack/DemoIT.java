package io.durapay.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** {@code devstack demo}, as the README's first command runs it: every scenario ends as expected. */
class DemoIT {

  @Test
  void theScriptedDemoEndsEveryPaymentAsExpected() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    boolean ok;
    try (Stack stack = Stack.start(StackSettings.anyFreePorts(Files.createTempDirectory("durapay-demo-it")))) {
      ok = new Demo(stack).run(new PrintStream(printed, true, StandardCharsets.UTF_8));
    }
    String table = printed.toString(StandardCharsets.UTF_8);

    assertThat(ok).as(table).isTrue();
    assertThat(table.lines().filter(line -> line.contains(" pay_")))
        .as(table).hasSize(6).allSatisfy(row -> assertThat(row).endsWith("ok"));
  }
}
