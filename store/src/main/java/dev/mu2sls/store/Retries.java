package dev.mu2sls.store;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/** The retry loop behind {@link Store#run}: exponential randomized backoff, bounded budget. */
final class Retries {
    static final int MAX_ATTEMPTS = 10_000;
    private static final long MAX_BACKOFF_NANOS = 5_000_000;

    private Retries() {}

    static <T> T run(Store store, TransactionBody<T> body) {
        StoreConflictException last = null;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            if (attempt > 0) {
                backoff(attempt);
            }
            try (StoreTransaction tx = store.begin()) {
                T result = body.apply(tx);
                tx.commit();
                return result;
            } catch (StoreConflictException conflict) {
                last = conflict;
            }
        }
        throw new StoreConflictException("transaction still conflicting after " + MAX_ATTEMPTS
                + " attempts; the keys it touches are too hot for optimistic retries", last);
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
