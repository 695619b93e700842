package io.durapay.replay;

import io.durapay.contracts.CancelRequest;
import io.durapay.contracts.GatewayActivities;
import io.durapay.contracts.PaymentRecordActivities;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentResult;
import io.durapay.contracts.PaymentState;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.PaymentWorkflow;
import io.durapay.contracts.StatusChange;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Map;

/**
 * A broken build for the gate's tests: it marks the payment processing before validating it, the
 * reverse of v1's order, with no getVersion guard. Every v1 history diverges at its first
 * activity, so the gate must refuse this build.
 */
public class ReorderedPaymentWorkflow implements PaymentWorkflow {
  private static final ActivityOptions OPTIONS =
      ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(10)).build();
  private final PaymentRecordActivities records =
      Workflow.newActivityStub(PaymentRecordActivities.class, OPTIONS);
  private final GatewayActivities gateway = Workflow.newActivityStub(GatewayActivities.class, OPTIONS);

  @Override
  public PaymentResult process(PaymentRequest request) {
    records.updatePaymentStatus(
        new StatusChange(request.paymentId(), PaymentStatus.PROCESSING, "reordered", null, null,
            null, Workflow.getInfo().getRunId()));
    records.validatePayment(request);
    gateway.processPaymentWithGateway(request);
    return new PaymentResult(request.paymentId(), PaymentStatus.COMPLETED, null, null, null, "completed");
  }

  @Override
  public void cancel(CancelRequest request) {}

  @Override
  public PaymentState state() {
    return new PaymentState(null, PaymentStatus.INITIATED, "reordered", false, false, null, null,
        null, Map.of(), "reordered");
  }
}
