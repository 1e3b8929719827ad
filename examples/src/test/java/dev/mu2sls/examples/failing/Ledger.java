package dev.mu2sls.examples.failing;

import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;
import dev.mu2sls.examples.counter.CounterClient;

/** A handler that may throw after writing, before and after a call: failure semantics (issue 15, item 4). */
@Service
public class Ledger {
    private final PersistentMap<String, Long> entries;
    private final CounterClient counter = new CounterClient();

    public Ledger(State state) {
        entries = state.map("entries", String.class, Long.class);
    }

    /**
     * Writes {@code key/before}, calls the counter (the segment is persisted before the call
     * leaves), writes {@code key/after}, then throws if {@code fail}: the response is the
     * exception, {@code key/before} and the count stay, {@code key/after} is discarded.
     */
    public long post(String key, long amount, boolean fail) {
        entries.put(key + "/before", entries.getOrDefault(key + "/before", 0L) + amount);
        long count = counter.add(key, 1);
        entries.put(key + "/after", amount);
        if (fail) {
            throw new IllegalStateException("posting " + key + " refused after " + count + " posts");
        }
        return count;
    }

    /** Writes, then always throws: a request that keeps failing. */
    public long poison(String key) {
        entries.put(key, -1L);
        throw new IllegalArgumentException("poison " + key);
    }
}
