package dev.mu2sls.spi;

import dev.mu2sls.RetryPolicy;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What generated clients and the API's static facades need from a runtime, for the request
 * executing on this thread. Implemented by the engine and by the spec runner.
 */
public interface ExecutionContext {

    /** Calls {@code method} synchronously and returns its result (or throws its failure). */
    Object call(MethodRef method, Object[] args);

    /** Starts an asynchronous call; the result is taken with {@link #await}. */
    PendingCall callAsync(MethodRef method, Object[] args);

    /** Waits for an asynchronous call's result. */
    Object await(PendingCall call);

    /** Waits for the first of several calls to complete; returns its index. */
    int awaitAny(List<PendingCall> calls);

    /**
     * Records a one-way call of {@code method}, delivered from {@code delay} on, exactly once, and
     * returns once it is durable (inside a transaction: once its commit releases it).
     */
    default void send(MethodRef method, Object[] args, Duration delay) {
        throw new UnsupportedOperationException(
                "one-way sends are not supported by " + getClass().getSimpleName());
    }

    /** Suspends the request for {@code duration} on the store clock, holding no thread. */
    default void sleep(Duration duration) {
        throw new UnsupportedOperationException(
                "durable sleeps are not supported by " + getClass().getSimpleName());
    }

    /**
     * The journaled version of {@code changeId} ({@link dev.mu2sls.Deterministic#version}):
     * {@code maxSupported} when first reached, the recorded one on a replay, and
     * {@link dev.mu2sls.Deterministic#DEFAULT_VERSION}, taking no step, on a replay of a journal
     * recorded without it.
     */
    default int version(String changeId, int maxSupported) {
        throw new UnsupportedOperationException(
                "Deterministic.version is not supported by " + getClass().getSimpleName());
    }

    /** A journaled random UUID. */
    UUID uuid();

    /** A journaled timestamp. */
    Instant now();

    /** A journaled random seed. */
    long randomSeed();

    /** The transaction this execution's state operations and calls join, or null. */
    TransactionHandle currentTransaction();

    /** Begins a transaction, or returns the open one (flat nesting). */
    TransactionHandle beginTransaction();

    /** Commits the transaction (a no-op for a joined one). */
    void commitTransaction(TransactionHandle transaction);

    /** Aborts the whole transaction. */
    void abortTransaction(TransactionHandle transaction);

    /**
     * Runs a journaled side effect (see {@link dev.mu2sls.Effects}): replays its journaled
     * outcome, or runs {@code body} by {@code policy} (null: the service's default) and journals it.
     *
     * @return the result decoded as {@code type}
     * @throws dev.mu2sls.EffectFailedException if the effect failed for good
     */
    Object effect(String name, Type type, RetryPolicy policy, EffectBody body);

    /** The id of the request this execution runs. */
    String requestId();
}
