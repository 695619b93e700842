package io.durapay.api.reconciler;

import io.durapay.contracts.WorkflowIds;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.concurrent.TimeUnit;

/** Asks Temporal whether a payment's workflow exists (running or closed). */
public final class WorkflowPresence {
  private final WorkflowServiceStubs temporal;
  private final String namespace;
  private final long timeoutMillis;

  public WorkflowPresence(WorkflowServiceStubs temporal, String namespace, long timeoutMillis) {
    this.temporal = temporal;
    this.namespace = namespace;
    this.timeoutMillis = timeoutMillis;
  }

  /**
   * True when the workflow exists, false when Temporal says NOT_FOUND; any other answer (down,
   * slow, denied) throws, because then nobody can tell.
   */
  public boolean exists(String paymentId) {
    DescribeWorkflowExecutionRequest request =
        DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(namespace)
            .setExecution(
                WorkflowExecution.newBuilder().setWorkflowId(WorkflowIds.forPayment(paymentId)))
            .build();
    try {
      temporal
          .blockingStub()
          .withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
          .describeWorkflowExecution(request);
      return true;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }
}
