package dev.mu2sls.core;

import dev.mu2sls.Mu2slsException;
import dev.mu2sls.store.CommitHold;
import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Store;
import dev.mu2sls.store.TransactionBody;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/**
 * The engine's way to its {@link Store}: transactions and reads, counted ({@link EngineStats})
 * and observed ({@link EngineObserver#storeCommit}), the {@link StateCache} of state reads,
 * and key ranges read in pages for the sweeps.
 *
 * <p>A store failure under a handler ({@link #underHandler}) stops its execution
 * ({@link ControlFlow.PlatformFailed}) instead of reaching the handler as an exception it could
 * catch or the engine record as its response. Exceptions of the engine's own
 * ({@link Mu2slsException}: a conflict to replay, a refused request) pass unchanged.
 */
final class EngineStore {
    /** Keys a sweep reads per scan. */
    static final int PAGE = 512;

    /** The journal of the execution whose handler runs on this thread; null or unbound: none. */
    private static final ScopedValue<StepLog> HANDLER = ScopedValue.newInstance();

    private final Store store;
    private final EngineObserver observer;
    private final EngineCounters counters;
    private final StateCache stateCache;

    EngineStore(Store store, EngineObserver observer, EngineCounters counters, StateCache stateCache) {
        this.store = store;
        this.observer = observer;
        this.counters = counters;
        this.stateCache = stateCache;
    }

    /** Runs {@code handler}, the handler of the execution journaling to {@code log}. */
    static <T, X extends Throwable> T underHandler(StepLog log, ScopedValue.CallableOp<T, X> handler) throws X {
        return ScopedValue.where(HANDLER, log).call(handler);
    }

    /**
     * Runs {@code delivery}, an engine's entry point, as no handler's: a delivery made in-process
     * from inside a handler on this thread fails alone when the store does, not its caller's execution.
     */
    static <T> T outsideHandler(Supplier<T> delivery) {
        if (HANDLER.isBound() && HANDLER.get() != null) {
            return ScopedValue.where(HANDLER, null).call(delivery::get);
        }
        return delivery.get();
    }

    <T> T transact(TransactionBody<T> body) {
        try {
            return observer.storeCommit(() -> store.run(tx -> {
                counters.storeTransactions.increment();
                return body.apply(tx);
            }));
        } catch (RuntimeException failure) {
            throw failed(failure);
        }
    }

    byte[] read(byte[] key) {
        counters.storeReads.increment();
        try {
            return store.get(key);
        } catch (RuntimeException failure) {
            throw failed(failure);
        }
    }

    /** The committed values of {@code keys} in one read ({@link Store#getAll}). */
    List<byte[]> readAll(List<byte[]> keys) {
        counters.storeReads.increment();
        try {
            return store.getAll(keys);
        } catch (RuntimeException failure) {
            throw failed(failure);
        }
    }

    List<KeyValue> scan(byte[] from, byte[] to, int limit) {
        counters.storeReads.increment();
        try {
            return store.scan(from, to, limit);
        } catch (RuntimeException failure) {
            throw failed(failure);
        }
    }

    /** {@code failure} to throw; under a handler, a store's own failure stops its execution instead. */
    private static RuntimeException failed(RuntimeException failure) {
        StepLog log = HANDLER.isBound() ? HANDLER.get() : null;
        if (log == null || failure instanceof Mu2slsException) {
            return failure;
        }
        throw log.stop(new ControlFlow.PlatformFailed(failure));
    }

    StateCache stateCache() {
        return stateCache;
    }

    CommitHold holdCommits() {
        return store.holdCommits();
    }

    /**
     * Every entry of the key space {@code kind} ({@link KeySpace}), read {@link #PAGE} keys a scan
     * outside any transaction; a page is read when the one before it has been iterated, so an
     * entry the iterating code deletes is not read again.
     */
    Iterable<KeyValue> pages(byte kind) {
        return () -> new Iterator<>() {
            private final byte[] end = KeySpace.rangeEnd(kind);
            private byte[] from = KeySpace.rangeStart(kind);
            private List<KeyValue> page = List.of();
            private int next;
            private boolean more = true;

            @Override
            public boolean hasNext() {
                if (next == page.size() && more) {
                    page = scan(from, end, PAGE);
                    next = 0;
                    more = page.size() == PAGE;
                    if (more) {
                        byte[] last = page.getLast().key();
                        from = Arrays.copyOf(last, last.length + 1);
                    }
                }
                return next < page.size();
            }

            @Override
            public KeyValue next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.get(next++);
            }
        };
    }
}
