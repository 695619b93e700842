package io.durapay.store;

import io.durapay.contracts.PaymentStatus;
import java.time.Instant;

/** One recorded status change of a payment. {@code fromStatus} is null for the first. */
public record StatusHistoryEntry(
    long id,
    String paymentId,
    PaymentStatus fromStatus,
    PaymentStatus toStatus,
    String cause,
    String workflowRunId,
    Instant changedAt,
    String workerBuild) {}
