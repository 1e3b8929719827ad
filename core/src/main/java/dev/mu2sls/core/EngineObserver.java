package dev.mu2sls.core;

import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * What an engine reports about its work, for metrics, traces and operator logs
 * ({@code mu2sls-observability} implements it). Every method has a no-op default, and
 * {@link #NONE} observes nothing, so an engine without an observer pays nothing for it.
 *
 * <h2>Contract</h2>
 * Hooks are called on the thread doing the work, in the order the work happens: a delivery wraps
 * its attempts, an attempt wraps the store commits and calls it makes. They must be fast, must
 * not throw, and must not touch the store: they observe, they never decide.
 *
 * <h2>Thread safety</h2>
 * Called concurrently by every delivery the engine runs.
 */
public interface EngineObserver {
    /** Observes nothing. */
    EngineObserver NONE = new EngineObserver() {};

    /**
     * Runs one delivery of {@code invocation} ({@code Engine.submit}, {@code invoke} or
     * {@code recover}): returns what {@code delivery} returns and rethrows what it throws.
     */
    default Response delivery(Invocation invocation, Supplier<Response> delivery) {
        return delivery.get();
    }

    /**
     * An execution of the handler starts within the current delivery (the first, or a re-run
     * after a replay). The engine closes the returned attempt when it ends, on the same thread.
     */
    default Attempt attemptStarted(Invocation invocation) {
        return Attempt.NONE;
    }

    /** Runs one commit of a store transaction (with its retries): returns what {@code commit} returns. */
    default <T> T storeCommit(Supplier<T> commit) {
        return commit.get();
    }

    /**
     * The transaction {@code transactionId}, begun by {@code invocation} at journal step
     * {@code step}, ended: its outcome is durable. {@code startedNanos} is {@link System#nanoTime()}
     * when its ending began.
     */
    default void transactionEnded(
            Invocation invocation, String transactionId, int step, TransactionOutcome outcome, long startedNanos) {}

    /** The engine quarantined {@code invocation}'s request with {@code report} (Engine.quarantine). */
    default void requestQuarantined(Invocation invocation, String report) {}

    /** A housekeeping sweep found {@code pending} transactions pending in the store. */
    default void pendingTransactions(int pending) {}

    /** The transport the engine calls other services through: returned as is, or wrapped to observe calls. */
    default CallTransport calls(CallTransport transport) {
        return transport;
    }

    /**
     * The executor asynchronous calls run on: returned as is, or wrapped so that what the
     * observer keeps of the calling thread (a trace context) follows the call.
     */
    default ExecutorService asyncCalls(ExecutorService executor) {
        return executor;
    }

    /** How a transaction ended, as observers see it. */
    enum TransactionOutcome {
        COMMITTED,
        /** Aborted by its code, by the coordinator or a participant. */
        ABORTED,
        /** A stale read at commit: nothing applied, the coordinator runs again. */
        CONFLICT
    }

    /** One execution of a handler; ends with {@link #close()}, after at most one of the others. */
    interface Attempt extends AutoCloseable {
        Attempt NONE = () -> {};

        /**
         * The execution begins journal step {@code step} (replayed or new), on the execution's
         * thread: what is logged until the next step or the attempt's end happens at that step.
         */
        default void stepStarted(int step) {}

        /** The execution completed the request (its response is recorded, successful or not). */
        default void completed() {}

        /** The execution stopped to replay from the journal (a stale read or a divergence). */
        default void replayed() {}

        /** The execution was fenced: another execution of the request completed it. */
        default void fenced() {}

        /** The attempt ended: completed, or stopped as the methods above said, or failed. */
        @Override
        void close();
    }
}
