package io.durapay.devserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentSearchAttributes;
import io.durapay.contracts.WorkflowStarter;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevServerIT {
  @TempDir Path dir;

  @Test
  void registersDurapaysSearchAttributesAndKeepsWorkflowsAcrossAKillAndARestartOnTheSameFile()
      throws Exception {
    try (DevServer server = DevServer.start(new DevServer.Options(0, -1, dir.resolve("temporal.db"), dir.resolve("server.log")))) {
      withClient(server, client -> {
        var registered = OperatorServiceGrpc.newBlockingStub(client.getWorkflowServiceStubs().getRawChannel())
            .listSearchAttributes(ListSearchAttributesRequest.newBuilder().setNamespace(DevServer.NAMESPACE).build())
            .getCustomAttributesMap();
        assertThat(registered).containsKeys("DurapayMerchantId", "DurapayAmount", "DurapayCurrency");
      });

      PaymentRequest request = new PaymentRequest("pay_devserver1", "mer_devserver", 1250, "EUR", "corr-1");
      withClient(server, client -> client
          .newUntypedWorkflowStub("PaymentWorkflow", WorkflowStarter.options(request, "devserver-it"))
          .start(request));

      server.kill();
      server.restart();

      withClient(server, client -> {
        List<WorkflowExecutionMetadata> found = client
            .listExecutions("DurapayMerchantId='mer_devserver' AND DurapayAmount=1250 AND DurapayCurrency='EUR'")
            .toList();
        assertThat(found).singleElement().satisfies(workflow -> {
          assertThat(workflow.getExecution().getWorkflowId()).isEqualTo("payment-pay_devserver1");
          assertThat(workflow.getStatus()).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
          assertThat(workflow.getTypedSearchAttributes().get(PaymentSearchAttributes.MERCHANT_ID)).isEqualTo("mer_devserver");
        });
      });
    }
  }

  /**
   * A port picked free and taken by another process before the server binds it: the server is
   * started again on new ports instead of failing the run (BannerIT, now DevStackUpIT, lost a fresh-clone CI run to
   * this: "bind: address already in use"; this test failed on the previous DevServer).
   */
  @Test
  void aPickedPortTakenBeforeTheServerBindsItIsPickedAgain() throws Exception {
    Path dir = java.nio.file.Files.createTempDirectory("devserver-port-race");
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      java.util.concurrent.atomic.AtomicInteger picks = new java.util.concurrent.atomic.AtomicInteger();
      java.util.function.IntSupplier ports = () -> picks.getAndIncrement() == 0 ? taken.getLocalPort() : freePort();

      try (DevServer server = DevServer.start(DevServer.Options.forTests(dir.resolve("server.log")), ports)) {
        assertThat(server.port()).isNotEqualTo(taken.getLocalPort());
        withClient(server, client -> assertThat(client.getWorkflowServiceStubs().healthCheck()).isNotNull());
      }
      assertThat(picks.get()).as("picked again after the bind failed").isGreaterThan(1);
    }
  }

  private static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void withClient(DevServer server, java.util.function.Consumer<WorkflowClient> use) {
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(server.target()).build());
    try {
      use.accept(WorkflowClient.newInstance(stubs));
    } finally {
      stubs.shutdownNow();
    }
  }
}
