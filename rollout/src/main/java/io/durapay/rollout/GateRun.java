package io.durapay.rollout;

import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentResult;
import io.durapay.contracts.PaymentWorkflow;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.VersioningOverride;
import io.temporal.common.WorkerDeploymentVersion;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;

/**
 * Gate traffic: one real PaymentWorkflow pinned to green (a versioning override) before green
 * takes any payment, aimed at a payment that is already final, so that it charges nothing.
 *
 * <p>Green's code validates the payment against the database, finds it final, and ends with
 * "already_handled" having changed nothing: no status change, no charge, no webhook (the same path
 * a duplicate start takes). What it proves: the server routes to green's version; green's workers
 * poll the deployment's task queue and run both workflow and activity tasks; green reads the
 * payments database with its own configuration; green's workflow code takes the contract's
 * input and returns its result. What it cannot prove (the ramp's health check does): that
 * green charges, refunds and notifies correctly, which needs a real card.
 */
final class GateRun {
  static final String WORKFLOW_ID_PREFIX = "rollout-gate-";

  /** What the gate workflow did. */
  record Result(boolean passed, String workflowId, String detail) {}

  private record FinalPayment(PaymentRequest request, Instant updatedAt) {}

  private final WorkflowClient client;
  private final Jdbi jdbi;

  GateRun(WorkflowClient client, Jdbi jdbi) {
    this.client = client;
    this.jdbi = jdbi;
  }

  /** Empty when there is no final payment to aim at (a new system): the gate says it skipped. */
  Optional<Result> run(WorkerDeploymentVersion green, String taskQueue, Duration timeout) {
    Optional<FinalPayment> target = latestFinalPayment();
    if (target.isEmpty()) {
      return Optional.empty();
    }
    PaymentRequest request = target.get().request();
    String workflowId = WORKFLOW_ID_PREFIX + green.getBuildId() + "-" + System.currentTimeMillis();
    WorkflowStub stub = client.newUntypedWorkflowStub(PaymentWorkflow.class.getSimpleName(),
        WorkflowOptions.newBuilder()
            .setWorkflowId(workflowId)
            .setTaskQueue(taskQueue)
            .setVersioningOverride(new VersioningOverride.PinnedVersioningOverride(green))
            .setWorkflowExecutionTimeout(timeout)
            .build());
    stub.start(request);
    PaymentResult result;
    try {
      result = stub.getResult(timeout.toMillis(), TimeUnit.MILLISECONDS, PaymentResult.class);
    } catch (Exception e) {
      return Optional.of(new Result(false, workflowId, "it did not finish well on green: " + e.getMessage()));
    }
    List<String> activities = client.fetchHistory(workflowId).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .map(HistoryEvent::getActivityTaskScheduledEventAttributes)
        .map(a -> a.getActivityType().getName())
        .toList();
    Instant updatedAfter = updatedAt(request.paymentId());
    if (!"already_handled".equals(result.outcome())) {
      return Optional.of(new Result(false, workflowId, "outcome " + result.outcome() + ", expected already_handled"));
    }
    if (!activities.equals(List.of("ValidatePayment"))) {
      return Optional.of(new Result(false, workflowId, "it ran " + activities + ", expected ValidatePayment only"));
    }
    if (!target.get().updatedAt().equals(updatedAfter)) {
      return Optional.of(new Result(false, workflowId, "payment " + request.paymentId() + " changed"));
    }
    return Optional.of(new Result(true, workflowId,
        "ran on green against final payment " + request.paymentId() + ": validated, already_handled, nothing changed"));
  }

  private Optional<FinalPayment> latestFinalPayment() {
    return jdbi.withHandle(handle -> handle.createQuery("""
            SELECT id, merchant_id, amount, currency, correlation_id, updated_at FROM payments
            WHERE status IN ('completed', 'failed', 'cancelled')
            ORDER BY updated_at DESC LIMIT 1
            """)
        .map((rs, ctx) -> new FinalPayment(
            new PaymentRequest(rs.getString("id"), rs.getString("merchant_id"), rs.getLong("amount"),
                rs.getString("currency"), rs.getString("correlation_id")),
            rs.getTimestamp("updated_at").toInstant()))
        .findOne());
  }

  private Instant updatedAt(String paymentId) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT updated_at FROM payments WHERE id = :id")
        .bind("id", paymentId)
        .map((rs, ctx) -> rs.getTimestamp("updated_at").toInstant())
        .one());
  }
}
