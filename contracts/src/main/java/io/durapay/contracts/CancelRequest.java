package io.durapay.contracts;

/** The payload of the cancel signal: who asked and why, for the status history. */
public record CancelRequest(String reason, String requestedBy) {}
