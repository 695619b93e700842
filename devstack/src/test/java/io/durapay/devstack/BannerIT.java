package io.durapay.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code devstack up}'s banner followed to the letter, as a user would: the "Try:" lines run as
 * printed in bash and create a payment; every part is a label, some space, and its address; and
 * the console holds nothing else but the line that says where the logs go (issue 20, item 4).
 */
class BannerIT {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void theBannersExampleRunsAsPrintedAndEveryLabelStandsApartFromItsAddress() throws Exception {
    Path data = Files.createTempDirectory("durapay-banner-it");
    List<String> args = new ArrayList<>(List.of("up", "--data", data.toString()));
    for (String option : List.of("--control-port", "--api-port", "--admin-port", "--worker-admin-port",
        "--temporal-port", "--temporal-ui-port", "--sqs-port", "--sns-port", "--gateway-port", "--webhooks-port")) {
      args.addAll(List.of(option, "0"));
    }
    try (JavaProcess devstack = JavaProcess.start(
        List.of("-Xmx1g"), "io.durapay.devstack.DevStack", args, data.resolve("console.log"))) {
      await().atMost(Duration.ofSeconds(120)).until(() -> devstack.console().contains("Stop with Ctrl-C"));
      String console = devstack.console();
      String banner = console.substring(console.indexOf("durapay devstack is up"));
      Path logs = data.resolve("logs").resolve("devstack.log").toAbsolutePath();

      // Before the banner: one line naming the log file. No migration summaries, route tables
      // or component logs; those are in the file the banner names.
      assertThat(console.substring(0, console.indexOf("durapay devstack is up")).strip())
          .isEqualTo("starting the durapay devstack (logs: " + logs + ")");
      assertThat(banner).doesNotContain("UPDATE SUMMARY", "The following paths were found", "INFO ");
      assertThat(banner).containsPattern("\\n  logs\\s+" + java.util.regex.Pattern.quote(logs.toString()) + "\\n");
      assertThat(Files.readString(logs))
          .contains("Starting durapay-api", "GET     /v1/payments/{id}/timeline", "worker polling task queue");

      List<String> parts = banner.lines().skip(1).takeWhile(line -> line.startsWith("  ")).toList();
      assertThat(parts).as(banner).isNotEmpty().allSatisfy(line -> {
        assertThat(line).as("a label, space, a value").matches("  \\S+( \\S+)*\\s{2,}\\S.*");
        assertThat(line).as("no Java map in the banner").doesNotContainPattern("\\{\\w+=");
      });

      String example = banner.substring(banner.indexOf("Try:\n") + "Try:\n".length(), banner.indexOf("Test tokens:"));
      Process bash = new ProcessBuilder("bash", "-c", example).directory(data.toFile())
          .redirectErrorStream(true).start();
      assertThat(bash.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String answer = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(bash.exitValue()).as(example + "\n" + answer).isZero();
      assertThat(MAPPER.readTree(answer).path("status").asText()).as(example + "\n" + answer).isEqualTo("initiated");
    }
  }
}
