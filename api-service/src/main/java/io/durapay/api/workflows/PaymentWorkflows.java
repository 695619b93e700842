package io.durapay.api.workflows;

import io.durapay.contracts.CancelRequest;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentState;
import io.durapay.contracts.PaymentWorkflow;
import io.durapay.contracts.WorkflowIds;
import io.durapay.contracts.WorkflowStarter;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.common.WorkflowExecutionHistory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The API's side of the payment workflows: cancel signals, live state and history.
 *
 * <p>Long because cancelling must survive Temporal's races (a workflow not started yet, a start
 * racing this one, a closed run whose payment is not final), and each case is a method here; they
 * stay in one class with state and history because all are calls on the one workflow client, and
 * most share its not-found test.
 */
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
   *
   * <p>Temporal answers "already started" both for a closed run and when the bridge's start of
   * the same id races this one; so that answer is followed by a signal to the running workflow,
   * and only a workflow that is really closed is reported as {@link CancelOutcome#ALREADY_CLOSED}
   * (the caller then decides by the payment's stored status: {@link #cancelInNewRun}).
   */
  public CancelOutcome cancel(Payment payment, CancelRequest request) {
    for (int attempt = 1; ; attempt++) {
      try {
        signalWithStart(payment, request, WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE);
        return CancelOutcome.SIGNALLED;
      } catch (WorkflowExecutionAlreadyStarted e) {
        if (signalRunning(payment.id(), request)) {
          return CancelOutcome.SIGNALLED;
        }
        // Not running when signalled: closed, or (rarely) the racing start not visible yet.
        if (attempt >= 3 || isClosed(payment.id())) {
          return CancelOutcome.ALREADY_CLOSED;
        }
      }
    }
  }

  /**
   * Asks for the payment to be cancelled: empty once the cancel is on its way to the workflow; the
   * payment as it is now when it is already final. The stored status decides, never the
   * workflow's: a closed workflow whose payment is not final (terminated, lost) gets a new run that
   * carries the cancel. Asking again is harmless: the workflow takes the first cancel only.
   */
  public Optional<Payment> requestCancel(PaymentDao payments, Payment payment, CancelRequest request) {
    if (payment.status().isFinal()) {
      return Optional.of(payment);
    }
    if (cancel(payment, request) == CancelOutcome.SIGNALLED) {
      return Optional.empty();
    }
    Payment now = payments.findById(payment.id()).orElse(payment);
    if (now.status().isFinal() || cancelInNewRun(now, request) == CancelOutcome.ALREADY_CLOSED) {
      return Optional.of(payments.findById(payment.id()).orElse(now));
    }
    return Optional.empty();
  }

  /**
   * For a payment that is not final though its workflow closed (terminated by an operator, or
   * lost): a new run of its workflow, started with the cancel delivered, which settles it as a
   * cancel (refunding anything an earlier run charged).
   */
  public CancelOutcome cancelInNewRun(Payment payment, CancelRequest request) {
    try {
      signalWithStart(payment, request, WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE);
    } catch (WorkflowExecutionAlreadyStarted e) {
      // A run started meanwhile (the resolver, say): signal it; a signal-with-start would have.
      if (!signalRunning(payment.id(), request)) {
        return CancelOutcome.ALREADY_CLOSED;
      }
    }
    return CancelOutcome.SIGNALLED;
  }

  private void signalWithStart(Payment payment, CancelRequest request, WorkflowIdReusePolicy reuse) {
    PaymentRequest start = requestFor(payment);
    PaymentWorkflow workflow = client.newWorkflowStub(PaymentWorkflow.class,
        WorkflowStarter.options(start, taskQueue).toBuilder().setWorkflowIdReusePolicy(reuse).build());
    BatchRequest batch = client.newSignalWithStartRequest();
    batch.add(workflow::process, start);
    batch.add(workflow::cancel, request);
    client.signalWithStart(batch);
  }

  /** Signals the latest run; false when there is none running. */
  private boolean signalRunning(String paymentId, CancelRequest request) {
    try {
      client.newWorkflowStub(PaymentWorkflow.class, WorkflowIds.forPayment(paymentId)).cancel(request);
      return true;
    } catch (RuntimeException e) {
      if (isNotFound(e)) {
        return false;
      }
      throw e;
    }
  }

  private boolean isClosed(String paymentId) {
    try {
      return client.newUntypedWorkflowStub(WorkflowIds.forPayment(paymentId)).describe()
          .getWorkflowExecutionInfo().getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    } catch (RuntimeException e) {
      if (isNotFound(e)) {
        return false;
      }
      throw e;
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
