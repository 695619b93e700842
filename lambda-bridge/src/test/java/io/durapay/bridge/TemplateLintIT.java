package io.durapay.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The SAM template passes cfn-lint, AWS's CloudFormation linter (provisioned by {@code ci/cfn-lint}
 * during the build): it expands the Serverless transform and checks every resource against the
 * CloudFormation schemas, including the properties, attributes and policies TemplateTest does not
 * know of. Warnings count as failures.
 */
class TemplateLintIT {
  @Test
  void theTemplateIsCfnLintClean() throws IOException, InterruptedException {
    Path cfnLint = Path.of("..", ".tools", "cfn-lint", "venv-1.58.0", "bin", "cfn-lint")
        .toAbsolutePath().normalize();
    assertThat(cfnLint).as("cfn-lint, installed by ci/cfn-lint (the build runs it)").isExecutable();

    Process lint = new ProcessBuilder(cfnLint.toString(), "--format", "parseable", "template.yaml")
        .redirectErrorStream(true)
        .start();
    String findings = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(lint.waitFor(2, TimeUnit.MINUTES)).as("cfn-lint finished").isTrue();

    assertThat(findings).as("cfn-lint's findings").isEmpty();
    assertThat(lint.exitValue()).isZero();
  }
}
