package io.durapay.contracts;

import java.util.Map;

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
 * @param lastError the last error a step reported, if any
 * @param attempts activity attempts per step, where the step reports them
 * @param build the worker build running the workflow ({@code v1}, {@code v2})
 */
public record PaymentState(
    String paymentId,
    PaymentStatus status,
    String step,
    boolean cancelRequested,
    boolean charged,
    String gatewayReference,
    String failureCode,
    String lastError,
    Map<String, Integer> attempts,
    String build) {}
