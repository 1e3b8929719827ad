package dev.mu2sls.core;

import java.util.concurrent.atomic.LongAdder;

/** What an engine counts since it started ({@link EngineStats}), shared by its parts. */
final class EngineCounters {
    final LongAdder invocations = new LongAdder();
    final LongAdder executions = new LongAdder();
    final LongAdder replays = new LongAdder();
    final LongAdder deduplicated = new LongAdder();
    final LongAdder fenced = new LongAdder();
    final LongAdder storeTransactions = new LongAdder();
    final LongAdder storeReads = new LongAdder();
    final LongAdder responsesExpired = new LongAdder();
    final LongAdder transactionsCommitted = new LongAdder();
    final LongAdder transactionsAborted = new LongAdder();
    final LongAdder transactionConflicts = new LongAdder();
    final LongAdder transactionsExpired = new LongAdder();
    final LongAdder expired = new LongAdder();
    final LongAdder quarantined = new LongAdder();

    EngineStats snapshot(StateCache stateCache, WriteIntents intents, RemoteTransactionWrites remoteWrites) {
        return new EngineStats(
                invocations.sum(),
                executions.sum(),
                replays.sum(),
                deduplicated.sum(),
                fenced.sum(),
                storeTransactions.sum(),
                storeReads.sum(),
                responsesExpired.sum(),
                transactionsCommitted.sum(),
                transactionsAborted.sum(),
                transactionConflicts.sum(),
                transactionsExpired.sum(),
                stateCache.hits(),
                stateCache.staleHits(),
                expired.sum(),
                quarantined.sum(),
                intents.waits() + remoteWrites.waits());
    }

    /** Counts a transaction's end, and says how to report it. */
    EngineObserver.TransactionOutcome transactionEnded(TxOutcome outcome) {
        return switch (outcome) {
            case COMMITTED -> {
                transactionsCommitted.increment();
                yield EngineObserver.TransactionOutcome.COMMITTED;
            }
            case CONFLICT -> {
                transactionConflicts.increment();
                yield EngineObserver.TransactionOutcome.CONFLICT;
            }
            case ABORTED, ABORTED_BY_PARTICIPANT -> {
                transactionsAborted.increment();
                yield EngineObserver.TransactionOutcome.ABORTED;
            }
        };
    }
}
