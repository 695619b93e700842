package io.durapay.contracts;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Carries one payment from {@code initiated} to a final status. The workflow type is
 * {@code PaymentWorkflow} in every build; builds differ by implementation and task queue. Its id
 * is {@link WorkflowIds#forPayment(String)}.
 */
@WorkflowInterface
public interface PaymentWorkflow {

  /** Validates, charges, records and notifies; compensates on failure. Returns the final status. */
  @WorkflowMethod
  PaymentResult process(PaymentRequest request);

  /**
   * Asks the workflow to cancel the payment. Before the charge nothing is charged; after it the
   * charge is refunded. Once the payment is final the signal changes nothing.
   */
  @SignalMethod
  void cancel(CancelRequest request);

  /** The live state of the payment. */
  @QueryMethod
  PaymentState state();
}
