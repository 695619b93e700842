package io.durapay.devserver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the Temporal CLI binary. In order: {@code TEMPORAL_CLI} (or the system property {@code
 * durapay.temporalCli}), the copy {@code ci/temporal-cli} installs under {@code
 * .tools/temporal-cli/} of this checkout (looked for from the working directory upwards), then
 * {@code temporal} on the {@code PATH}.
 */
public final class TemporalCli {
  static final String INSTALLED = ".tools/temporal-cli/temporal";

  private TemporalCli() {}

  /** The binary, if there is one; a {@code TEMPORAL_CLI} that is not executable is an error. */
  public static Optional<Path> locate() {
    String named = System.getProperty("durapay.temporalCli", System.getenv("TEMPORAL_CLI"));
    if (named != null && !named.isBlank()) {
      Path path = Path.of(named);
      if (!Files.isExecutable(path)) {
        throw new IllegalStateException("TEMPORAL_CLI=" + named + " is not an executable file");
      }
      return Optional.of(path);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path installed = dir.resolve(INSTALLED);
      if (Files.isExecutable(installed)) {
        return Optional.of(installed);
      }
    }
    String pathVariable = System.getenv().getOrDefault("PATH", "");
    for (String dir : pathVariable.split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "temporal"))) {
        return Optional.of(Path.of(dir, "temporal"));
      }
    }
    return Optional.empty();
  }

  /** The binary, or an error that says how to get one. */
  public static Path require() {
    return locate().orElseThrow(() -> new IllegalStateException(
        "no Temporal CLI found: run ci/temporal-cli (it installs one under .tools/), "
            + "or set TEMPORAL_CLI=/path/to/temporal"));
  }
}
