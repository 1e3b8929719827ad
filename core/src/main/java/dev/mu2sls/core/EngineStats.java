package dev.mu2sls.core;

/**
 * Counters of one engine since it started.
 *
 * @param invocations deliveries handed to the engine
 * @param executions handler runs started, including re-runs after a replay
 * @param replays re-runs of a handler from its journal within one delivery (conflict or divergence)
 * @param deduplicated deliveries answered from a recorded response without running
 * @param fenced executions stopped because another execution had completed the request
 * @param storeTransactions store transactions the engine committed or attempted
 * @param storeReads point reads and scans outside transactions
 * @param responsesExpired recorded responses dropped after their retention
 * @param transactionsCommitted transactions committed
 * @param transactionsAborted transactions aborted by their code (coordinator or participant)
 * @param transactionConflicts transaction attempts that found a stale read and were not applied
 * @param transactionsExpired transactions aborted as abandoned past their lease
 * @param stateCacheHits state reads served from the engine's cache instead of the store
 * @param stateCacheStale cached values found stale when their read was validated (each cost a replay)
 * @param executionsExpired executions stopped at their deadline without persisting (A6)
 * @param requestsQuarantined requests ended as failed with a report (a replay diverged, or given up on)
 * @param contentionWaits reads that waited for another execution's write of the key to be applied (by this engine, or
 *     by a transaction coordinated elsewhere that a participant here wrote it for)
 */
public record EngineStats(
        long invocations,
        long executions,
        long replays,
        long deduplicated,
        long fenced,
        long storeTransactions,
        long storeReads,
        long responsesExpired,
        long transactionsCommitted,
        long transactionsAborted,
        long transactionConflicts,
        long transactionsExpired,
        long stateCacheHits,
        long stateCacheStale,
        long executionsExpired,
        long requestsQuarantined,
        long contentionWaits) {

    /** The counts between {@code earlier} and this snapshot. */
    public EngineStats minus(EngineStats earlier) {
        return new EngineStats(
                invocations - earlier.invocations,
                executions - earlier.executions,
                replays - earlier.replays,
                deduplicated - earlier.deduplicated,
                fenced - earlier.fenced,
                storeTransactions - earlier.storeTransactions,
                storeReads - earlier.storeReads,
                responsesExpired - earlier.responsesExpired,
                transactionsCommitted - earlier.transactionsCommitted,
                transactionsAborted - earlier.transactionsAborted,
                transactionConflicts - earlier.transactionConflicts,
                transactionsExpired - earlier.transactionsExpired,
                stateCacheHits - earlier.stateCacheHits,
                stateCacheStale - earlier.stateCacheStale,
                executionsExpired - earlier.executionsExpired,
                requestsQuarantined - earlier.requestsQuarantined,
                contentionWaits - earlier.contentionWaits);
    }
}
