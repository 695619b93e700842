package io.durapay.bench;

import io.durapay.contracts.PaymentSearchAttributes;
import io.durapay.devserver.DevServer;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;

/**
 * The Temporal server a benchmark runs on, with a client of its own: {@code dev} (the default),
 * the real server as the Temporal CLI's dev server (in memory, headless), or {@code test}, the
 * SDK's in-memory test server that the figures before 2026-12 were taken on. Both on a free
 * loopback port, in real time, with durapay's search attributes registered.
 */
final class TemporalServer implements AutoCloseable {
  private final DevServer devServer;
  private final TestServer.PortBoundTestServer testServer;
  private final WorkflowServiceStubs stubs;
  private final WorkflowClient client;
  private final int port;
  private final String target;
  private final String kind;

  TemporalServer(String kind) {
    this.kind = kind;
    switch (kind) {
      case "dev" -> {
        try {
          devServer = DevServer.start(DevServer.Options.forTests(Files.createTempFile("durapay-bench-temporal", ".log")));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        testServer = null;
        port = devServer.port();
      }
      case "test" -> {
        port = freePort();
        testServer = TestServer.createPortBoundServer(port);
        devServer = null;
      }
      default -> throw new IllegalArgumentException("temporal= must be dev or test, not " + kind);
    }
    target = "127.0.0.1:" + port;
    stubs = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
    client = WorkflowClient.newInstance(stubs);
    if (testServer != null) {
      PaymentSearchAttributes.register(stubs, "default");
    }
  }

  /** {@code temporal=dev|test} of a benchmark's options; dev by default. */
  static TemporalServer of(Options options) {
    return new TemporalServer(options.text("temporal", "dev"));
  }

  int port() {
    return port;
  }

  String target() {
    return target;
  }

  WorkflowClient client() {
    return client;
  }

  /** "dev server" or "test server", for the printed figures. */
  String description() {
    return kind.equals("dev") ? "Temporal dev server (CLI 1.9.1)" : "Temporal test server (in-memory)";
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    stubs.shutdownNow();
    if (testServer != null) {
      testServer.close();
    }
    if (devServer != null) {
      devServer.close();
    }
  }
}
