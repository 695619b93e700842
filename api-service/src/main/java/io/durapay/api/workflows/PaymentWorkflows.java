package io.durapay.api.workflows;

import io.durapay.contracts.CancelRequest;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentState;
import io.durapay.contracts.PaymentWorkflow;
import io.durapay.contracts.WorkflowIds;
import io.durapay.contracts.WorkflowStarter;
import io.durapay.store.Payment;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.common.WorkflowExecutionHistory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The API's side of the payment workflows: cancel signals, live state and history. */
public final class PaymentWorkflows {
  private final WorkflowClient client;
  private final String taskQueue;

  public PaymentWorkflows(WorkflowClient client, String taskQueue) {
    this.client = client;
    this.taskQueue = taskQueue;
  }

  /** What became of a cancel request. */
  public enum CancelOutcome {
    SIGNALLED,
    ALREADY_CLOSED
  }

  /**
   * Signals the payment's workflow to cancel, starting it with the signal already delivered when
   * it does not exist yet (its {@code payment.initiated} event may still be on its way): either
   * way the cancel cannot be lost, and a later start by the bridge finds the workflow there.
   */
  public CancelOutcome cancel(Payment payment, CancelRequest request) {
    PaymentRequest start = requestFor(payment);
    PaymentWorkflow workflow =
        client.newWorkflowStub(PaymentWorkflow.class, WorkflowStarter.options(start, taskQueue));
    BatchRequest batch = client.newSignalWithStartRequest();
    batch.add(workflow::process, start);
    batch.add(workflow::cancel, request);
    try {
      client.signalWithStart(batch);
      return CancelOutcome.SIGNALLED;
    } catch (WorkflowExecutionAlreadyStarted e) {
      // A closed workflow with this id: the payment already reached its end.
      return CancelOutcome.ALREADY_CLOSED;
    }
  }

  /** The live state, when the workflow exists and a worker answers in time. */
  public Optional<PaymentState> state(String paymentId) {
    try {
      return Optional.of(
          client.newWorkflowStub(PaymentWorkflow.class, WorkflowIds.forPayment(paymentId)).state());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** A run's history, with the ids of every run of the workflow, newest first (this one first). */
  public record Runs(WorkflowExecutionHistory latest, List<String> runIds) {}

  /**
   * The latest run's history and the ids of all runs; empty when there is no workflow (yet).
   * Temporal errors propagate.
   */
  public Optional<Runs> history(String paymentId) {
    String workflowId = WorkflowIds.forPayment(paymentId);
    try {
      String latest = client.newUntypedWorkflowStub(workflowId).describe().getExecution().getRunId();
      List<String> runIds = new ArrayList<>(List.of(latest));
      runIds.addAll(earlierRuns(workflowId, latest));
      return Optional.of(new Runs(client.fetchHistory(workflowId, latest), runIds));
    } catch (RuntimeException e) {
      if (isNotFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Runs before the latest, from visibility; none where the server has no visibility queries. */
  private List<String> earlierRuns(String workflowId, String latest) {
    try {
      return client.listExecutions("WorkflowId='" + workflowId + "'").limit(20)
          .map(run -> run.getExecution().getRunId())
          .filter(runId -> !runId.equals(latest))
          .toList();
    } catch (RuntimeException noVisibility) {
      return List.of();
    }
  }

  private static boolean isNotFound(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof WorkflowNotFoundException
          || (t instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.NOT_FOUND)) {
        return true;
      }
    }
    return false;
  }

  public static PaymentRequest requestFor(Payment payment) {
    return new PaymentRequest(
        payment.id(),
        payment.merchantId(),
        payment.amount(),
        payment.currency(),
        payment.correlationId());
  }
}
