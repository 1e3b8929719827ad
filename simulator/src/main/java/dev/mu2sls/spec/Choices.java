package dev.mu2sls.spec;

import java.time.Instant;
import java.util.UUID;

/**
 * The nondeterministic values a spec run hands out, by request id and step: the spec of a
 * service is deterministic modulo these (docs/guarantees.md), so a spec run that should explain
 * an implementation run is given the implementation's choices.
 */
public interface Choices {

    UUID uuid(String requestId, int step);

    Instant now(String requestId, int step);

    long randomSeed(String requestId, int step);

    /** Which of {@code count} futures {@code DurableFuture.any} returns. */
    int any(String requestId, int step, int count);
}
