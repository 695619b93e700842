package io.durapay.store.testing;

import io.durapay.devserver.DevServer;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.TerminateWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real Temporal server (the CLI's dev server, in memory, headless) for end-to-end tests where
 * processes connect to Temporal by address. One server per test JVM, started by the first test
 * class that asks and stopped when the JVM ends; each class gets its own client and worker
 * factory, uses task queues and workflow ids of its own, and leaves no workflow running: after
 * the class its workers stop and whatever it left running is terminated.
 */
public final class TemporalServer implements BeforeAllCallback, AfterAllCallback {
  private static DevServer shared;

  private WorkflowServiceStubs stubs;
  private WorkflowClient client;
  private WorkerFactory workers;

  /** The JVM's server, started on first use. */
  public static synchronized DevServer devServer() {
    if (shared == null) {
      // DevServer stops it when the JVM ends.
      shared = DevServer.start(DevServer.Options.forTests(Path.of("target", "temporal-dev-server.log")));
    }
    return shared;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    stubs = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(devServer().target()).build());
    client = WorkflowClient.newInstance(stubs, WorkflowClientOptions.newBuilder().build());
  }

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    if (workers != null) {
      workers.shutdownNow();
      workers.awaitTermination(10, TimeUnit.SECONDS);
    }
    terminateRunning();
    stubs.shutdownNow();
  }

  /** host:port for configuration, e.g. {@code 127.0.0.1:40123}. */
  public String target() {
    return devServer().target();
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

  /** So that no workflow of this class retries its activities into the next class's database. */
  private void terminateRunning() {
    var service = stubs.blockingStub();
    ListWorkflowExecutionsResponse page = service.listWorkflowExecutions(ListWorkflowExecutionsRequest.newBuilder()
        .setNamespace(DevServer.NAMESPACE).setQuery("ExecutionStatus='Running'").setPageSize(1000).build());
    for (var info : page.getExecutionsList()) {
      WorkflowExecution execution = info.getExecution();
      try {
        service.terminateWorkflowExecution(TerminateWorkflowExecutionRequest.newBuilder()
            .setNamespace(DevServer.NAMESPACE).setWorkflowExecution(execution)
            .setReason("test class finished").build());
      } catch (io.grpc.StatusRuntimeException alreadyClosed) {
        // It closed between the list and the terminate.
      }
    }
  }
}
