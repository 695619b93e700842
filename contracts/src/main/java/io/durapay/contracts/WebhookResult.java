package io.durapay.contracts;

/** How a webhook delivery ended. A webhook that could not be delivered never fails a payment. */
public record WebhookResult(boolean delivered, int attempts, int lastStatusCode, String outcome) {}
