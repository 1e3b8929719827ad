package dev.mu2sls.examples.outage;

import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;

/** Counts, and a read that guards against failures as defensive service code does. */
@Service
public class Guarded {
    private final PersistentMap<String, Long> counts;

    public Guarded(State state) {
        counts = state.map("counts", String.class, Long.class);
    }

    public long add(String key, long delta) {
        long value = counts.getOrDefault(key, 0L) + delta;
        counts.put(key, value);
        return value;
    }

    /** The count of {@code key}, or -1 when reading it throws. */
    public long readOrMinusOne(String key) {
        try {
            return counts.getOrDefault(key, 0L);
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
