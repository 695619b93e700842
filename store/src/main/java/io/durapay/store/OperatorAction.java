package io.durapay.store;

import java.time.Instant;

/** One audited operator action: who did what to which target, and how it ended. */
public record OperatorAction(long id, String operator, String action, String target, String outcome, Instant at) {}
