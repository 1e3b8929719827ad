package dev.mu2sls.core;

import java.util.List;

/**
 * Observes requests completing, for test kits and spec replays. Called after the completing
 * execution's response is durably recorded; must be fast and must not throw.
 */
@FunctionalInterface
public interface ExecutionListener {
    ExecutionListener NONE = (requestId, journal) -> {};

    /**
     * @param requestId the completed request
     * @param journal every step of the execution whose response was recorded, in step order
     */
    void completed(String requestId, List<JournalEntry> journal);
}
