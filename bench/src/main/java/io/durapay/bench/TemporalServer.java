package io.durapay.bench;

import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Temporal's test server on a free loopback port, in real time, with a client of its own. */
final class TemporalServer implements AutoCloseable {
  private final TestServer.PortBoundTestServer server;
  private final WorkflowServiceStubs stubs;
  private final WorkflowClient client;
  private final int port;
  private final String target;

  TemporalServer() {
    port = freePort();
    server = TestServer.createPortBoundServer(port);
    target = "127.0.0.1:" + port;
    stubs = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
    client = WorkflowClient.newInstance(stubs);
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
    server.close();
  }
}
