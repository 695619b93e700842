package io.durapay.contracts;

import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;

/**
 * Starts the workflow of a payment: id {@code payment-<paymentId>}, reuse policy REJECT_DUPLICATE,
 * on the task queue of the current route. A workflow that already exists for the payment (a
 * duplicate event, a redelivered message, a cancel that started it first) counts as success: one
 * payment never gets two workflows. Used by the Lambda bridge and by the API's direct mode.
 */
public final class WorkflowStarter {

  /** How a start ended; both are success. */
  public enum Outcome {
    STARTED,
    ALREADY_STARTED
  }

  private final WorkflowClient client;
  private final String taskQueue;

  public WorkflowStarter(WorkflowClient client, String taskQueue) {
    this.client = client;
    this.taskQueue = taskQueue;
  }

  /** Starts the workflow; Temporal errors other than "already started" propagate. */
  public Outcome start(PaymentRequest request) {
    // The payment's correlation id goes with the start (CorrelationPropagator), whatever the
    // calling thread's logging context holds.
    return CorrelationPropagator.with(request.correlationId(), () -> {
      PaymentWorkflow workflow =
          client.newWorkflowStub(PaymentWorkflow.class, options(request, taskQueue));
      try {
        WorkflowClient.start(workflow::process, request);
        return Outcome.STARTED;
      } catch (WorkflowExecutionAlreadyStarted e) {
        return Outcome.ALREADY_STARTED;
      }
    });
  }

  /**
   * Everything a start does short of calling Temporal: the stub, its options and search
   * attributes, the input serialized by the client's data converter. SnapStart's priming runs it
   * before the snapshot, so the first real start after a restore finds those classes loaded and
   * compiled. Returns the serialized input.
   */
  public Payloads prepare(PaymentRequest request) {
    client.newWorkflowStub(PaymentWorkflow.class, options(request, taskQueue));
    return client.getOptions().getDataConverter().toPayloads(request).orElseThrow();
  }

  /**
   * The options every start of a payment's workflow uses, wherever it starts from: its id, the
   * route, REJECT_DUPLICATE, and the payment's search attributes ({@link PaymentSearchAttributes}).
   */
  public static WorkflowOptions options(PaymentRequest request, String taskQueue) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(WorkflowIds.forPayment(request.paymentId()))
        .setTaskQueue(taskQueue)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
        .setTypedSearchAttributes(PaymentSearchAttributes.of(request))
        .build();
  }

  public String taskQueue() {
    return taskQueue;
  }
}
