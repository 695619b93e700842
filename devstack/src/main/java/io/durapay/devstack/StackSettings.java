package io.durapay.devstack;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the devstack keeps its data and which ports it binds (0 = any free port), so two stacks
 * can run side by side.
 *
 * @param workers the worker builds to run ({@code v1})
 * @param publishingMode {@code sns} (outbox → SNS → SQS → bridge) or {@code direct}
 */
public record StackSettings(
    Path dataDir,
    int apiPort,
    int adminPort,
    int workerAdminPort,
    int temporalPort,
    int sqsPort,
    int snsPort,
    int gatewayPort,
    int webhooksPort,
    List<String> workers,
    String publishingMode) {

  /** The defaults of {@code up}: fixed, well-known ports on loopback. */
  public static StackSettings defaults(Path dataDir) {
    return new StackSettings(dataDir, 8080, 8081, 8091, 7233, 9324, 9911, 12111, 12112, List.of("v1"), "sns");
  }

  /** Every port free and chosen at start: for tests and a second stack. */
  public static StackSettings anyFreePorts(Path dataDir) {
    return new StackSettings(dataDir, 0, 0, 0, 0, 0, 0, 0, 0, List.of("v1"), "sns");
  }
}
