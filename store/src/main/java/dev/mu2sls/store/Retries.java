package dev.mu2sls.store;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * The retry loop behind {@link Store#run}: exponential randomized backoff, bounded budget. Stores
 * that override {@code run} (to escalate a starving transaction, say) reuse it.
 */
public final class Retries {
    static final int MAX_ATTEMPTS = 10_000;
    private static final long MAX_BACKOFF_NANOS = 5_000_000;

    private Retries() {}

    /**
     * Runs {@code body} in transactions from {@code begin} (given the attempt, from 0) until one
     * commits, at most {@code maxAttempts} times.
     *
     * @throws StoreConflictException if every attempt conflicted
     */
    public static <T> T run(IntFunction<StoreTransaction> begin, TransactionBody<T> body, int maxAttempts) {
        StoreConflictException last = null;
        for (int attempt = 0; attempt < maxAttempts; attempt++) {
            if (attempt > 0) {
                backoff(attempt);
            }
            try (StoreTransaction tx = begin.apply(attempt)) {
                T result = body.apply(tx);
                tx.commit();
                return result;
            } catch (StoreConflictException conflict) {
                last = conflict;
            }
        }
        throw new StoreConflictException(
                "transaction still conflicting after " + maxAttempts
                        + " attempts; the keys it touches are too hot for optimistic retries",
                last);
    }

    private static void backoff(int attempt) {
        if (attempt < 3) {
            Thread.onSpinWait();
            return;
        }
        long ceiling = Math.min(MAX_BACKOFF_NANOS, 1_000L << Math.min(attempt, 22));
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(ceiling));
    }
}
