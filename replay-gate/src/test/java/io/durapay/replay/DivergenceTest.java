package io.durapay.replay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DivergenceTest {

  /** The message WorkflowReplayer reports (SDK 1.38) when a build reorders its activities. */
  private static final String REORDERED = """
      query failure for workflow_id: "payment-pay_1"
      run_id: "run_id_in_replay"
      , queryType=__replay_only, args=Optional.empty, error=io.temporal.worker.NonDeterministicException: \
      [TMPRL1100] Failure handling event 5 of type 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED' during replay. \
      [TMPRL1100] Command COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK doesn't match event \
      EVENT_TYPE_ACTIVITY_TASK_SCHEDULED with EventId=5 on check activityType with an expected value \
      'name: "UpdatePaymentStatus"
      ' and an actual value 'name: "ValidatePayment"
      '. {WorkflowTaskStartedEventId=9223372036854775807, CurrentStartedEventId=3}
      \tat io.temporal.internal.statemachines.WorkflowStateMachines.assertMatch(WorkflowStateMachines.java:1512)
      \tat io.temporal.internal.statemachines.WorkflowStateMachines.validateCommand(WorkflowStateMachines.java:1406)
      """;

  @Test
  void namesTheFirstDivergentEventAndWhy() {
    assertThat(Divergence.describe(new RuntimeException(REORDERED)))
        .isEqualTo("5 EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: [TMPRL1100] Command"
            + " COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK doesn't match event EVENT_TYPE_ACTIVITY_TASK_SCHEDULED"
            + " with EventId=5 on check activityType with an expected value 'name: \"UpdatePaymentStatus\"'"
            + " and an actual value 'name: \"ValidatePayment\"'.");
  }

  @Test
  void aFailureThatNamesNoEventIsStillOneLine() {
    RuntimeException failure = new RuntimeException(
        "query failure for workflow_id: \"payment-pay_2\"\n, error=java.lang.IllegalStateException:"
            + " PaymentWorkflow is not registered\n\tat io.temporal.Foo.bar(Foo.java:1)\n");

    assertThat(Divergence.describe(failure))
        .isEqualTo("unknown: java.lang.IllegalStateException: PaymentWorkflow is not registered");
  }
}
