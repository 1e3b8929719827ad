package dev.mu2sls.examples.counter;

import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;

/** W1 single-stateful: one counter per key. */
@Service
public class Counter {
    private final PersistentMap<String, Long> counts;

    public Counter(State state) {
        counts = state.map("counts", String.class, Long.class);
    }

    /** Adds {@code delta} to the counter under {@code key} and returns the new value. */
    public long add(String key, long delta) {
        long value = counts.getOrDefault(key, 0L) + delta;
        counts.put(key, value);
        return value;
    }

    /** The counter under {@code key}, 0 if never added to. */
    public long get(String key) {
        return counts.getOrDefault(key, 0L);
    }
}
