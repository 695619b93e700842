package io.durapay.rollout;

import java.time.Duration;

/**
 * When a ramp step passes. The defaults (in {@link RolloutSettings#USAGE}) are strict where money
 * is concerned and loose where the machine is: a workflow task that fails on green is a bug in
 * green (non-determinism above all) and fails the step at once; a share of failed payments or of
 * undelivered webhooks five points above blue's fails it; latency fails only at twice blue's p95
 * and half a second more, because a new version's first tasks pay for cold caches.
 *
 * @param minPayments green payments that must have finished before rates are judged
 * @param maxTaskFailures workflow-task failures allowed on green (judged at any sample size)
 * @param maxFailedIncrease green's failed share minus blue's, at most
 * @param maxWebhookFailureIncrease green's undelivered-webhook share minus blue's, at most
 * @param maxLatencyFactor green's p95 schedule-to-start, at most this times blue's ...
 * @param latencySlack ... or blue's plus this, whichever is more
 */
record HealthThresholds(
    int minPayments,
    int maxTaskFailures,
    double maxFailedIncrease,
    double maxWebhookFailureIncrease,
    double maxLatencyFactor,
    Duration latencySlack) {}
