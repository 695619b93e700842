package io.durapay.api.responses;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.durapay.contracts.MerchantMessages;
import io.durapay.contracts.PaymentState;
import java.time.Instant;
import java.util.List;

/**
 * What happened to one payment: its stored status history, the workflow's live state, and a
 * readable summary of the workflow history — what ran, when, with how many attempts, which signals
 * arrived, and which task queue (build) ran it. {@code workflowError} says why the workflow part
 * is missing when Temporal could not be asked.
 *
 * <p>Built whole for operators; a merchant is shown {@link #forMerchant()}: failures as codes and
 * fixed sentences ({@link MerchantMessages}), no worker identities, no risk rule names.
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
      @JsonFormat(shape = JsonFormat.Shape.STRING) Instant at) {

    /** v2 names the risk rule that rejected a payment ("rejected by risk rule blocked_payment_method"). */
    private static final String RISK_RULE_CAUSE = "rejected by risk rule ";

    StatusEntry forMerchant() {
      return cause != null && cause.startsWith(RISK_RULE_CAUSE)
          ? new StatusEntry(from, to, "rejected by risk screening", workflowRunId, at)
          : this;
    }
  }

  /** What a merchant is shown: see the class's comment. */
  public Timeline forMerchant() {
    return new Timeline(paymentId, status, statusHistory.stream().map(StatusEntry::forMerchant).toList(),
        workflow == null ? null : workflow.forMerchant(), workflowError);
  }

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
      /** The workers (process@host) that ran its tasks: operators only, absent for merchants. */
      @JsonInclude(JsonInclude.Include.NON_NULL) List<String> workers) {

    Workflow forMerchant() {
      return new Workflow(workflowId, runId, runs, taskQueue, build, execution, startedAt, closedAt,
          state == null ? null : withoutLastError(state),
          activities.stream().map(ActivityRun::forMerchant).toList(),
          signals, null);
    }

    /** The live state without the last error's text, which is the step's own (see failureCode). */
    private static PaymentState withoutLastError(PaymentState state) {
      return new PaymentState(state.paymentId(), state.status(), state.step(), state.cancelRequested(),
          state.charged(), state.gatewayReference(), MerchantMessages.code(state.failureCode()), null,
          state.attempts(), state.build());
    }
  }

  /**
   * One activity as it ran: its final attempt number and how it ended. {@code errorCode} and
   * {@code error} are those of its last failure, if it had one: the step's own text for operators,
   * the code's fixed sentence for merchants.
   */
  public record ActivityRun(
      String name,
      @JsonFormat(shape = JsonFormat.Shape.STRING) Instant scheduledAt,
      @JsonFormat(shape = JsonFormat.Shape.STRING) Instant startedAt,
      @JsonFormat(shape = JsonFormat.Shape.STRING) Instant closedAt,
      Integer attempts,
      String outcome,
      String errorCode,
      String error,
      /**
       * The worker that ran its last attempt ({@code build/process@host}, the build first): operators
       * only, absent for merchants.
       */
      @JsonInclude(JsonInclude.Include.NON_NULL) String worker) {

    ActivityRun forMerchant() {
      return new ActivityRun(name, scheduledAt, startedAt, closedAt, attempts, outcome,
          MerchantMessages.code(errorCode), MerchantMessages.forCode(errorCode), null);
    }
  }

  public record Signal(String name, @JsonFormat(shape = JsonFormat.Shape.STRING) Instant at) {}
}
