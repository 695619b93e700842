package io.durapay.devstack;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the devstack keeps its data and which ports it binds (0 = any free port), so two stacks
 * can run side by side.
 *
 * @param workers the worker builds to run ({@code v1}, {@code v2}), each on its own task queue
 * @param route the build whose task queue new payments go to (blue {@code v1}, green {@code v2})
 * @param publishingMode {@code sns} (outbox → SNS → SQS → bridge) or {@code direct}
 * @param temporalUiPort the dev server's Web UI (-1 = headless)
 * @param temporal which embedded Temporal to run when no {@code TEMPORAL_ADDRESS} is given
 * @param external the real things to use instead of the embedded ones
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
    int temporalUiPort,
    List<String> workers,
    String route,
    String publishingMode,
    EmbeddedTemporal temporal,
    External external) {

  /** The embedded Temporal. */
  public enum EmbeddedTemporal {
    /** The real server (the Temporal CLI's dev server), its state in {@code DIR/temporal/}: the default. */
    DEV_SERVER,
    /** The SDK's in-memory test server: no visibility, no Worker Versioning, nothing kept. */
    TEST_SERVER;

    public static EmbeddedTemporal parse(String name) {
      return switch (name) {
        case "dev-server" -> DEV_SERVER;
        case "test-server" -> TEST_SERVER;
        default -> throw new IllegalArgumentException("--temporal must be dev-server or test-server, not " + name);
      };
    }
  }

  public StackSettings {
    workers = List.copyOf(workers);
    for (String worker : workers) {
      Builds.taskQueue(worker);
    }
    Builds.taskQueue(route);
    if (!workers.contains(route)) {
      throw new IllegalArgumentException(
          "--route " + route + " needs a " + route + " worker (--workers " + String.join(",", workers) + ")");
    }
  }

  /**
   * Parts replaced by the real thing: a PostgreSQL, a Temporal cluster, a gateway. Null fields
   * mean the embedded part. Read from the same variables the services use.
   */
  public record External(
      String databaseUrl,
      String databaseUser,
      String databasePassword,
      String temporalAddress,
      String gatewayUrl,
      String gatewaySecretKey) {

    public static final External NONE = new External(null, null, null, null, null, null);

    public static External fromEnvironment(java.util.Map<String, String> env) {
      return new External(
          blankToNull(env.get("DATABASE_URL")),
          env.getOrDefault("DATABASE_USER", "postgres"),
          env.getOrDefault("DATABASE_PASSWORD", ""),
          blankToNull(env.get("TEMPORAL_ADDRESS")),
          blankToNull(env.get("GATEWAY_URL")),
          blankToNull(env.get("GATEWAY_SECRET_KEY")));
    }

    private static String blankToNull(String value) {
      return value == null || value.isBlank() ? null : value;
    }
  }

  /** The defaults of {@code up}: fixed, well-known ports on loopback. */
  public static StackSettings defaults(Path dataDir) {
    return new StackSettings(
        dataDir, 8080, 8081, 8091, 7233, 9324, 9911, 12111, 12112, 8233, List.of("v1"), "v1", "sns",
        EmbeddedTemporal.DEV_SERVER, External.NONE);
  }

  /** Every port free and chosen at start, the Web UI off: for tests and a second stack. */
  public static StackSettings anyFreePorts(Path dataDir) {
    return new StackSettings(dataDir, 0, 0, 0, 0, 0, 0, 0, 0, -1, List.of("v1"), "v1", "sns",
        EmbeddedTemporal.DEV_SERVER, External.NONE);
  }

  /** The same settings with the dev server's Web UI on a free port (tests run it headless otherwise). */
  public StackSettings withTemporalUi() {
    return new StackSettings(dataDir, apiPort, adminPort, workerAdminPort, temporalPort, sqsPort, snsPort,
        gatewayPort, webhooksPort, 0, workers, route, publishingMode, temporal, external);
  }

  /** The same settings on another embedded Temporal. */
  public StackSettings withTemporal(EmbeddedTemporal kind) {
    return new StackSettings(dataDir, apiPort, adminPort, workerAdminPort, temporalPort, sqsPort, snsPort,
        gatewayPort, webhooksPort, temporalUiPort, workers, route, publishingMode, kind, external);
  }
}
