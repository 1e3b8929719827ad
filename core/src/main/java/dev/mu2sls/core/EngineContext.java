package dev.mu2sls.core;

import dev.mu2sls.spi.Codec;
import java.time.InstantSource;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;

/**
 * What an engine's parts work with: its store, codec, transport and clock, the fault plan and
 * entropy, what it reports to, and its mode. One per engine, built from its {@link Engine.Builder}.
 *
 * @param transport calls to other services, as the observer wraps them
 * @param asyncCalls where async calls run, as the observer wraps it
 * @param clock the store-clock time for deadlines, completion times, retention and leases
 * @param timers the delivery driver of one-way sends and sleeping requests
 * @param intents the keys its executions wrote and have not applied yet, for other readers to wait on
 * @param records the records its executions wrote into the transactions it coordinates, for their ends
 * @param remoteWrites the keys its participants wrote into transactions coordinated elsewhere, for readers to wait on
 * @param inProcessCalls which calls the transport delivers to this engine on the calling thread
 */
record EngineContext(
        EngineStore store,
        Codec codec,
        CallTransport transport,
        ExecutorService asyncCalls,
        FaultInjector faults,
        Entropy entropy,
        InstantSource clock,
        ExecutionListener listener,
        EngineObserver observer,
        Mode mode,
        EngineCounters counters,
        Timers timers,
        WriteIntents intents,
        CoordinatedRecords records,
        RemoteTransactionWrites remoteWrites,
        Predicate<Invocation> inProcessCalls) {

    long clockMillis() {
        return clock.millis();
    }

    /** Counts and reports a transaction's end (its outcome is durable). */
    void transactionEnded(Invocation invocation, String transactionId, int step, TxOutcome outcome, long startedNanos) {
        observer.transactionEnded(invocation, transactionId, step, counters.transactionEnded(outcome), startedNanos);
    }
}
