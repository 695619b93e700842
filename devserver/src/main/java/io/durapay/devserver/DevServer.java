package io.durapay.devserver;

import io.durapay.contracts.PaymentSearchAttributes;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testing.TemporalDevServer;
import io.temporal.testing.TemporalDevServerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Temporal CLI's dev server, {@code temporal server start-dev}: the real Temporal server (on
 * SQLite, in memory or in a file) with visibility, Worker Versioning and, unless headless, the Web
 * UI. The devstack, the end-to-end tests and the benchmarks all start it through this class, with
 * durapay's search attributes registered. {@link #kill()} and {@link #restart()} stand in for a
 * crash and a recovery on the same database file.
 *
 * <p>Without a local binary ({@link TemporalCli}), it falls back to the SDK's launcher, which
 * downloads one where the network allows; kill and restart then are not available.
 *
 * <p>Long because it covers the server's whole life: the command line, port picking with a retry
 * when a picked port was taken, start-up polling, kill and restart on the same database file, and
 * the SDK fallback; these stay in one class because restart and the port retry reuse the same
 * process, ports and options.
 */
public final class DevServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DevServer.class);
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
  public static final String NAMESPACE = "default";

  /**
   * How to run it.
   *
   * @param port the gRPC frontend's port; 0 = a free one, chosen once and kept across restarts
   * @param uiPort the Web UI's port; 0 = a free one; -1 = headless
   * @param databaseFile the SQLite file that keeps the server's state; null = in memory
   * @param logFile where the server's output goes (appended)
   */
  public record Options(int port, int uiPort, Path databaseFile, Path logFile) {
    /** Headless, in memory, any free port: for a test JVM. */
    public static Options forTests(Path logFile) {
      return new Options(0, -1, null, logFile);
    }
  }

  private final Options options;
  private final Path binary;
  private final java.util.function.IntSupplier freePorts;
  private int port;
  private int uiPort;
  private Process process;
  private TemporalDevServer sdkServer;

  private DevServer(Options options, Path binary, java.util.function.IntSupplier freePorts) {
    this.options = options;
    this.binary = binary;
    this.freePorts = freePorts;
    pickPorts();
  }

  private void pickPorts() {
    this.port = options.port() == 0 ? freePorts.getAsInt() : options.port();
    this.uiPort = options.uiPort() == 0 ? freePorts.getAsInt() : options.uiPort();
  }

  /** Starts the server and returns once its frontend answers for the default namespace. */
  public static DevServer start(Options options) {
    return start(options, DevServer::freePort);
  }

  /** How many times a start on ports picked here is tried again when one was taken meanwhile. */
  static final int PORT_RACE_RETRIES = 3;

  // Tests pass their own ports to play the race with another process.
  static DevServer start(Options options, java.util.function.IntSupplier freePorts) {
    Optional<Path> binary = TemporalCli.locate();
    DevServer server = new DevServer(options, binary.orElse(null), freePorts);
    if (binary.isPresent()) {
      server.launchPickingPortsAgainIfTaken();
    } else {
      LOG.warn("no Temporal CLI found (run ci/temporal-cli, or set TEMPORAL_CLI); trying the SDK's download");
      server.launchThroughSdk();
    }
    // So that no server outlives its JVM; graceful, as a Ctrl-C of the devstack deserves.
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "devserver-stop"));
    return server;
  }

  /** {@code 127.0.0.1:port}, for the SDK and the services' {@code TEMPORAL_ADDRESS}. */
  public String target() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** The Web UI's address, unless headless. */
  public Optional<String> uiUrl() {
    return uiPort < 0 ? Optional.empty() : Optional.of("http://127.0.0.1:" + uiPort);
  }

  /** The server's process id, to kill it from outside. */
  public synchronized long pid() {
    return requireProcess().pid();
  }

  /** Kills the server with SIGKILL, as a crash would: nothing is flushed or shut down. */
  public synchronized void kill() throws InterruptedException {
    Process running = requireProcess();
    running.destroyForcibly();
    running.waitFor();
    LOG.info("Temporal dev server (pid {}) killed", running.pid());
  }

  /** Starts it again on the same port and database file; returns once it answers. */
  public synchronized void restart() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("the Temporal dev server is running");
    }
    requireBinary();
    launch();
  }

  /** Stops the server (SIGTERM, then SIGKILL after ten seconds). */
  @Override
  public synchronized void close() {
    if (sdkServer != null) {
      sdkServer.close();
      sdkServer = null;
    }
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private List<String> arguments() {
    List<String> args = new ArrayList<>(List.of(
        "server", "start-dev", "--ip", "127.0.0.1", "--port", String.valueOf(port), "--log-level", "warn"));
    if (uiPort < 0) {
      args.add("--headless");
    } else {
      args.addAll(List.of("--ui-port", String.valueOf(uiPort)));
    }
    if (options.databaseFile() != null) {
      args.addAll(List.of("--db-filename", options.databaseFile().toAbsolutePath().toString()));
    }
    args.addAll(searchAttributeArguments());
    // A version's drainage status (DRAINING -> DRAINED) is refreshed every 3 minutes after a
    // 3-minute grace period by default: a rollout on a dev server lasts about that long in all.
    args.addAll(List.of(
        "--dynamic-config-value", "matching.wv.VersionDrainageStatusRefreshInterval=\"2s\"",
        "--dynamic-config-value", "matching.wv.VersionDrainageStatusVisibilityGracePeriod=\"5s\""));
    return args;
  }

  private static List<String> searchAttributeArguments() {
    List<String> args = new ArrayList<>();
    for (var key : PaymentSearchAttributes.ALL) {
      args.addAll(List.of("--search-attribute", key.getName() + "=" + PaymentSearchAttributes.typeName(key)));
    }
    return args;
  }

  /**
   * A free port is free when it is picked, not when the server binds it: another process may take
   * it in between (the suite once lost a run to that). A server that fails to bind a port picked
   * here is started again on new ones; ports that were asked for are never moved.
   */
  private void launchPickingPortsAgainIfTaken() {
    for (int attempt = 1; ; attempt++) {
      try {
        launch();
        return;
      } catch (IllegalStateException e) {
        boolean picked = options.port() == 0 || options.uiPort() == 0;
        if (!picked || attempt > PORT_RACE_RETRIES || !String.valueOf(e.getMessage()).contains("address already in use")) {
          throw e;
        }
        LOG.warn("Temporal dev server: a port picked for it was taken meanwhile; trying new ones");
        pickPorts();
      }
    }
  }

  private void launch() {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(arguments());
    try {
      if (options.databaseFile() != null) {
        Files.createDirectories(options.databaseFile().toAbsolutePath().getParent());
      }
      Files.createDirectories(options.logFile().toAbsolutePath().getParent());
      process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(options.logFile().toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + binary, e);
    }
    waitUntilReady();
    LOG.info("Temporal dev server (pid {}) serving at {}{}", process.pid(), target(),
        uiUrl().map(ui -> ", Web UI " + ui).orElse(""));
  }

  private void launchThroughSdk() {
    TemporalDevServerOptions.Builder sdk = TemporalDevServerOptions.newBuilder()
        .setDownloadEnabled(true)
        .setIp("127.0.0.1")
        .setPort(port)
        .setLogLevel("warn")
        .setUiEnabled(uiPort >= 0)
        .setLogFile(options.logFile().toAbsolutePath().toString())
        .setExtraArgs(searchAttributeArguments());
    if (uiPort >= 0) {
      sdk.setUiPort(uiPort);
    }
    if (options.databaseFile() != null) {
      sdk.setDatabaseFilename(options.databaseFile().toAbsolutePath().toString());
    }
    sdkServer = TemporalDevServer.start(NAMESPACE, sdk.build());
  }

  /** Polls the frontend until the default namespace answers; fails with the log's tail. */
  private void waitUntilReady() {
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(target()).build());
    Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
    try {
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException("the Temporal dev server exited with " + process.exitValue()
              + " at start-up; its log ends:\n" + logTail());
        }
        try {
          stubs.blockingStub().withDeadlineAfter(2, TimeUnit.SECONDS)
              .describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace(NAMESPACE).build());
          return;
        } catch (StatusRuntimeException notYet) {
          if (Instant.now().isAfter(deadline)) {
            process.destroyForcibly();
            throw new IllegalStateException("the Temporal dev server did not answer within "
                + STARTUP_TIMEOUT.toSeconds() + " s; its log ends:\n" + logTail(), notYet);
          }
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the Temporal dev server started", e);
    } finally {
      stubs.shutdownNow();
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(options.logFile(), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private Process requireProcess() {
    requireBinary();
    if (process == null) {
      throw new IllegalStateException("the Temporal dev server is not running");
    }
    return process;
  }

  private void requireBinary() {
    if (binary == null) {
      throw new IllegalStateException("kill and restart need a local Temporal CLI: run ci/temporal-cli");
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
