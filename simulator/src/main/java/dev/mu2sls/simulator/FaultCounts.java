package dev.mu2sls.simulator;

import dev.mu2sls.core.CrashPoint;
import java.util.Map;

/**
 * What a simulated run injected and how the platform reacted.
 *
 * @param deliveries requests delivered by clients and by calls between services
 * @param crashes injected crashes by crash point
 * @param stalls executions timed out and left running as zombies
 * @param concurrentDuplicates extra deliveries running at the same time as the original
 * @param sequentialDuplicates deliveries repeated after the request completed
 * @param reExecutions attempts after the first (after a crash or a timeout)
 * @param duplicateMismatches duplicate deliveries that returned a different response (must be 0)
 * @param longStalls zombies that stalled while the clock moved past the transaction lease or the
 *     response retention, with the expiry sweeps run meanwhile
 * @param stallsPastRetention those of the long stalls that outlived the response retention
 * @param lostReplies store commits that were applied but reported to the engine as failed
 * @param expiredExecutions executions that stopped at their deadline without persisting
 */
public record FaultCounts(
        long deliveries,
        Map<CrashPoint, Long> crashes,
        long stalls,
        long concurrentDuplicates,
        long sequentialDuplicates,
        long reExecutions,
        long duplicateMismatches,
        long longStalls,
        long stallsPastRetention,
        long lostReplies,
        long expiredExecutions) {

    public long totalCrashes() {
        return crashes.values().stream().mapToLong(Long::longValue).sum();
    }
}
