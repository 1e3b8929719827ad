package dev.mu2sls.examples.mixed;

import java.time.Instant;
import java.util.UUID;

/** What {@link Orchestrator#process} remembers about one batch. */
public record Receipt(UUID id, Instant at, int lucky, long sum, int firstDone, long userTotal, int earlier) {}
