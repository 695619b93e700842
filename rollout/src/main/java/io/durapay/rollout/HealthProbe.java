package io.durapay.rollout;

import io.durapay.contracts.WorkflowIds;
import io.durapay.rollout.Health.Sample;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * Reads a version's health from the system itself: Temporal's visibility says which payment
 * workflows ran on the version, their histories say how many workflow tasks failed and how long
 * tasks waited for a worker, and the payments database says how each payment ended and whether
 * its webhook was delivered.
 */
final class HealthProbe {
  /** A webhook that ended in one of these without any delivery was never received (deferred: not by the workflow). */
  private static final String OUTCOMES_SQL = """
      SELECT p.id,
             p.status IN ('completed', 'failed', 'cancelled') AS finished,
             p.status = 'failed' AS failed,
             EXISTS (SELECT 1 FROM webhook_deliveries w
                     WHERE w.payment_id = p.id AND w.outcome IN ('undeliverable', 'deferred', 'rejected', 'refused', 'gone'))
               AND NOT EXISTS (SELECT 1 FROM webhook_deliveries w
                     WHERE w.payment_id = p.id AND w.outcome = 'delivered') AS webhook_failed
      FROM payments p
      WHERE p.id = ANY(:ids)
      """;

  private record Outcome(boolean finished, boolean failed, boolean webhookFailed) {}

  /** What one workflow's history shows. */
  record Facts(int taskFailures, List<Duration> scheduleToStart) {}

  private final WorkflowClient client;
  private final WorkerDeployments deployments;
  private final Jdbi jdbi;
  /** Closed histories never change: each is read once. */
  private final Map<String, Facts> closed = new HashMap<>();

  HealthProbe(WorkflowClient client, WorkerDeployments deployments, Jdbi jdbi) {
    this.client = client;
    this.deployments = deployments;
    this.jdbi = jdbi;
  }

  /** The payment workflows on {@code buildId} started at or after {@code from}. */
  Sample sample(String buildId, Instant from) {
    List<WorkflowExecutionInfo> executions = executions(
        "WorkflowType='PaymentWorkflow' AND TemporalWorkerDeploymentVersion='" + deployments.versionName(buildId)
            + "' AND StartTime >= '" + from.truncatedTo(ChronoUnit.MILLIS) + "'");
    List<String> paymentIds = new ArrayList<>();
    int taskFailures = 0;
    List<Duration> waits = new ArrayList<>();
    for (WorkflowExecutionInfo execution : executions) {
      String workflowId = execution.getExecution().getWorkflowId();
      if (!workflowId.startsWith(WorkflowIds.PREFIX)) {
        continue; // the rollout's own gate workflows, not payments
      }
      paymentIds.add(workflowId.substring(WorkflowIds.PREFIX.length()));
      Facts facts = facts(execution);
      taskFailures += facts.taskFailures();
      waits.addAll(facts.scheduleToStart());
    }
    Map<String, Outcome> outcomes = outcomes(paymentIds);
    int finished = 0;
    int failed = 0;
    int webhookFailed = 0;
    for (Outcome outcome : outcomes.values()) {
      if (outcome.finished()) {
        finished++;
        failed += outcome.failed() ? 1 : 0;
        webhookFailed += outcome.webhookFailed() ? 1 : 0;
      }
    }
    return new Sample(paymentIds.size(), finished, failed, webhookFailed, taskFailures, Health.p95(waits));
  }

  private List<WorkflowExecutionInfo> executions(String query) {
    List<WorkflowExecutionInfo> all = new ArrayList<>();
    var request = ListWorkflowExecutionsRequest.newBuilder()
        .setNamespace(client.getOptions().getNamespace()).setQuery(query).setPageSize(1000);
    while (true) {
      ListWorkflowExecutionsResponse page =
          client.getWorkflowServiceStubs().blockingStub().listWorkflowExecutions(request.build());
      all.addAll(page.getExecutionsList());
      if (page.getNextPageToken().isEmpty()) {
        return all;
      }
      request.setNextPageToken(page.getNextPageToken());
    }
  }

  private Facts facts(WorkflowExecutionInfo execution) {
    String runId = execution.getExecution().getRunId();
    Facts cached = closed.get(runId);
    if (cached != null) {
      return cached;
    }
    Facts facts = read(client.fetchHistory(execution.getExecution().getWorkflowId(), runId).getEvents());
    if (execution.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      closed.put(runId, facts);
    }
    return facts;
  }

  /**
   * Failed workflow tasks, and how long each workflow task and each first activity attempt waited
   * between being scheduled and a worker taking it (retries are left out: their wait includes
   * the backoff).
   */
  static Facts read(List<HistoryEvent> events) {
    Map<Long, Instant> scheduled = new HashMap<>();
    int failures = 0;
    List<Duration> waits = new ArrayList<>();
    for (HistoryEvent event : events) {
      Instant at = Instant.ofEpochSecond(event.getEventTime().getSeconds(), event.getEventTime().getNanos());
      EventType type = event.getEventType();
      if (type == EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED || type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        scheduled.put(event.getEventId(), at);
      } else if (type == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) {
        add(waits, scheduled.get(event.getWorkflowTaskStartedEventAttributes().getScheduledEventId()), at);
      } else if (type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
          && event.getActivityTaskStartedEventAttributes().getAttempt() == 1) {
        add(waits, scheduled.get(event.getActivityTaskStartedEventAttributes().getScheduledEventId()), at);
      } else if (type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED) {
        failures++;
      }
    }
    return new Facts(failures, waits);
  }

  private static void add(List<Duration> waits, Instant scheduledAt, Instant startedAt) {
    if (scheduledAt != null) {
      waits.add(Duration.between(scheduledAt, startedAt));
    }
  }

  private Map<String, Outcome> outcomes(List<String> paymentIds) {
    Map<String, Outcome> outcomes = new HashMap<>();
    if (paymentIds.isEmpty()) {
      return outcomes;
    }
    jdbi.useHandle(handle -> handle.createQuery(OUTCOMES_SQL)
        .bindArray("ids", String.class, paymentIds)
        .map((rs, ctx) -> outcomes.put(rs.getString("id"),
            new Outcome(rs.getBoolean("finished"), rs.getBoolean("failed"), rs.getBoolean("webhook_failed"))))
        .list());
    return outcomes;
  }
}
