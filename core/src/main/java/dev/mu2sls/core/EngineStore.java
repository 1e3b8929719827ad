package dev.mu2sls.core;

import dev.mu2sls.store.CommitHold;
import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Store;
import dev.mu2sls.store.TransactionBody;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The engine's way to its {@link Store}: transactions and reads, counted ({@link EngineStats})
 * and observed ({@link EngineObserver#storeCommit}), the {@link StateCache} of state reads,
 * and key ranges read in pages for the sweeps.
 */
final class EngineStore {
    /** Keys a sweep reads per scan. */
    static final int PAGE = 512;

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

    <T> T transact(TransactionBody<T> body) {
        return observer.storeCommit(() -> store.run(tx -> {
            counters.storeTransactions.increment();
            return body.apply(tx);
        }));
    }

    byte[] read(byte[] key) {
        counters.storeReads.increment();
        return store.get(key);
    }

    /** The committed values of {@code keys} in one read ({@link Store#getAll}). */
    List<byte[]> readAll(List<byte[]> keys) {
        counters.storeReads.increment();
        return store.getAll(keys);
    }

    List<KeyValue> scan(byte[] from, byte[] to, int limit) {
        counters.storeReads.increment();
        return store.scan(from, to, limit);
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
