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
 */
public record FaultCounts(long deliveries, Map<CrashPoint, Long> crashes, long stalls, long concurrentDuplicates,
                          long sequentialDuplicates, long reExecutions, long duplicateMismatches) {

    public long totalCrashes() {
        return crashes.values().stream().mapToLong(Long::longValue).sum();
    }
}
