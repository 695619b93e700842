package io.durapay.devstack;

import io.durapay.contracts.CorrelationPropagator;
import io.durapay.contracts.PaymentSearchAttributes;
import io.durapay.devserver.DevServer;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The stack's Temporal: a real server by address, the CLI's dev server (its state in a directory),
 * or the SDK's in-memory test server; and a client of it.
 */
final class LocalTemporal implements AutoCloseable {
  private final String target;
  private final DevServer devServer;
  private final AutoCloseable testServer;
  private final WorkflowServiceStubs stubs;
  private final WorkflowClient client;

  private LocalTemporal(String target, DevServer devServer, AutoCloseable testServer) {
    this.target = target;
    this.devServer = devServer;
    this.testServer = testServer;
    this.stubs = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
    // As every durapay process's client: starts carry the payment's correlation id.
    this.client = WorkflowClient.newInstance(stubs, WorkflowClientOptions.newBuilder()
        .setContextPropagators(List.of(new CorrelationPropagator())).build());
    if (testServer != null) {
      // The test server knows only the attributes it is told of; the dev server's launcher registers them.
      PaymentSearchAttributes.register(stubs, "default");
    }
  }

  static LocalTemporal start(StackSettings settings, Path stateDirectory) {
    String address = settings.external().temporalAddress();
    if (address != null) {
      return new LocalTemporal(address, null, null);
    }
    if (settings.temporal() == StackSettings.EmbeddedTemporal.DEV_SERVER) {
      DevServer server = DevServer.start(new DevServer.Options(settings.temporalPort(), settings.temporalUiPort(),
          stateDirectory.resolve("temporal.db"), stateDirectory.resolve("server.log")));
      return new LocalTemporal(server.target(), server, null);
    }
    int port = Ports.resolve(settings.temporalPort());
    TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port);
    return new LocalTemporal("127.0.0.1:" + port, null, server::close);
  }

  String target() {
    return target;
  }

  WorkflowClient client() {
    return client;
  }

  /** Only the test server needs workers without a workflow cache (see TemporalFactory). */
  boolean isTestServer() {
    return testServer != null;
  }

  Optional<String> uiUrl() {
    return devServer == null ? Optional.empty() : devServer.uiUrl();
  }

  /** The embedded dev server, for faults; fails when Temporal is another kind here. */
  DevServer devServer() {
    if (devServer == null) {
      throw new IllegalStateException("Temporal is not the embedded dev server here");
    }
    return devServer;
  }

  @Override
  public void close() throws Exception {
    stubs.shutdown();
    stubs.awaitTermination(5, TimeUnit.SECONDS);
    if (devServer != null) {
      devServer.close();
    }
    if (testServer != null) {
      testServer.close();
    }
  }
}
