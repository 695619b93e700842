package io.durapay.store;

import java.time.Instant;

/** What one run of the replay gate found for a worker build (see {@link ReplayGateRunDao}). */
public record ReplayGateRun(
    long id, String build, int histories, int failures, boolean passed, String detail, Instant ranAt) {}
