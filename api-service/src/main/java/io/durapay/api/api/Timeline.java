package io.durapay.api.api;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.durapay.contracts.PaymentState;
import java.time.Instant;
import java.util.List;

/**
 * What an operator needs about one payment: its stored status history, the workflow's live
 * state, and a readable summary of the workflow history — what ran, when, with how many attempts,
 * which signals arrived, and which task queue (build) ran it. {@code workflowError} says why the
 * workflow part is missing when Temporal could not be asked.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Timeline(
    String paymentId,
    String status,
    List<StatusEntry> statusHistory,
    Workflow workflow,
    String workflowError) {

  /** One recorded status change. */
  public record StatusEntry(
      String from,
      String to,
      String cause,
      String workflowRunId,
      @JsonFormat(shape = JsonFormat.Shape.STRING) Instant at) {}

  /** The workflow, or null when none has started yet. */
  public record Workflow(
      String workflowId,
      String runId,
      List<String> runs,
      String taskQueue,
      String build,
      String execution,
      @JsonFormat(shape = JsonFormat.Shape.STRING) Instant startedAt,
      @JsonFormat(shape = JsonFormat.Shape.STRING) Instant closedAt,
      PaymentState state,
      List<ActivityRun> activities,
      List<Signal> signals,
      List<String> workers) {}

  /** One activity as it ran: its final attempt number and how it ended. */
  public record ActivityRun(
      String name,
      @JsonFormat(shape = JsonFormat.Shape.STRING) Instant scheduledAt,
      @JsonFormat(shape = JsonFormat.Shape.STRING) Instant startedAt,
      @JsonFormat(shape = JsonFormat.Shape.STRING) Instant closedAt,
      Integer attempts,
      String outcome,
      String error) {}

  public record Signal(String name, @JsonFormat(shape = JsonFormat.Shape.STRING) Instant at) {}
}
