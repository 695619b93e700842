package io.durapay.worker.temporal;

import io.durapay.contracts.WorkflowIds;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import org.slf4j.MDC;

/**
 * Puts the payment's {@code workflowId} and {@code paymentId} in the logging context of every
 * activity attempt, beside the {@code correlationId} the workflow's headers brought
 * ({@link io.durapay.contracts.CorrelationPropagator}): every line an activity logs names its
 * payment. Nothing of the workflow's commands changes.
 */
final class ActivityLogContext extends WorkerInterceptorBase {
  static final String WORKFLOW_ID = "workflowId";
  static final String PAYMENT_ID = "paymentId";

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private ActivityInfo info;

      @Override
      public void init(ActivityExecutionContext context) {
        info = context.getInfo();
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        String workflowId = info.getWorkflowId();
        MDC.put(WORKFLOW_ID, workflowId);
        if (workflowId.startsWith(WorkflowIds.PREFIX)) {
          MDC.put(PAYMENT_ID, workflowId.substring(WorkflowIds.PREFIX.length()));
        }
        try {
          return super.execute(input);
        } finally {
          MDC.remove(WORKFLOW_ID);
          MDC.remove(PAYMENT_ID);
        }
      }
    };
  }
}
