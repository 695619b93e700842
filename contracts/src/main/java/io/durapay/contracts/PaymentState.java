package io.durapay.contracts;

/**
 * The live state of a running payment workflow, answered by its query.
 *
 * @param paymentId the payment
 * @param status the status the workflow has recorded so far
 * @param step the step running now (for example {@code charging}, {@code notifying})
 * @param cancelRequested whether a cancel signal has arrived
 * @param charged whether the gateway has confirmed a charge (so cancelling now means a refund)
 * @param gatewayReference the gateway's reference once charged
 * @param failureCode why the payment failed, once it has
 */
public record PaymentState(
    String paymentId,
    PaymentStatus status,
    String step,
    boolean cancelRequested,
    boolean charged,
    String gatewayReference,
    String failureCode) {}
