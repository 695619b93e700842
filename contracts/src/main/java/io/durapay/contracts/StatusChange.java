package io.durapay.contracts;

/**
 * A request to move a payment to {@code to}. Applying the same change twice is harmless: the
 * store enforces forward-only transitions and reports a repeat as such.
 *
 * @param cause a short human-readable reason, kept in the status history
 * @param workflowRunId the run that asked for the change, kept in the status history
 */
public record StatusChange(
    String paymentId,
    PaymentStatus to,
    String cause,
    String failureCode,
    String failureMessage,
    String gatewayReference,
    String workflowRunId) {}
