package io.durapay.store.testing;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Temporal's test server bound to a free port on loopback, in real time (no time skipping), for
 * end-to-end tests where processes connect to Temporal by address. One per test class; closed
 * after it. Workers for the test are made from {@link #newWorkerFactory()} and shut down with it.
 */
public final class TemporalTestServer implements BeforeAllCallback, AfterAllCallback {
  private TestServer.PortBoundTestServer server;
  private WorkflowServiceStubs stubs;
  private WorkflowClient client;
  private WorkerFactory workers;
  private int port;

  @Override
  public void beforeAll(ExtensionContext context) {
    port = freePort();
    server = TestServer.createPortBoundServer(port);
    stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(target()).build());
    client = WorkflowClient.newInstance(stubs, WorkflowClientOptions.newBuilder().build());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (workers != null) {
      workers.shutdownNow();
    }
    stubs.shutdownNow();
    server.close();
  }

  /** host:port for configuration, e.g. {@code 127.0.0.1:40123}. */
  public String target() {
    return "127.0.0.1:" + port;
  }

  public WorkflowClient client() {
    return client;
  }

  /** The test's worker factory (one per class): register workers, then {@code start()}. */
  public synchronized WorkerFactory newWorkerFactory() {
    if (workers == null) {
      workers = WorkerFactory.newInstance(client);
    }
    return workers;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
