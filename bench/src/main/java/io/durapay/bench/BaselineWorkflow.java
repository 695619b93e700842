package io.durapay.bench;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;

/**
 * The workflow benchmark's baseline: as many activities as a successful payment runs (validate,
 * processing, charge, completed, webhook), each doing nothing, in sequence.
 */
@WorkflowInterface
public interface BaselineWorkflow {
  int ACTIVITIES = 5;

  @WorkflowMethod
  String run(String paymentId);

  @ActivityInterface
  interface NoopActivities {
    String step(String paymentId, int step);
  }

  final class NoopActivitiesImpl implements NoopActivities {
    @Override
    public String step(String paymentId, int step) {
      return paymentId;
    }
  }

  final class Impl implements BaselineWorkflow {
    private final NoopActivities activities = Workflow.newActivityStub(NoopActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(10))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
            .build());

    @Override
    public String run(String paymentId) {
      for (int step = 0; step < ACTIVITIES; step++) {
        activities.step(paymentId, step);
      }
      return paymentId;
    }
  }
}
