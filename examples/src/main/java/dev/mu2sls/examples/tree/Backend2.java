package dev.mu2sls.examples.tree;

import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;

/** W3 tree, second leaf: a counter. */
@Service
public class Backend2 {
    private final PersistentMap<String, Long> counts;

    public Backend2(State state) {
        counts = state.map("counts", String.class, Long.class);
    }

    public long add(String key, long delta) {
        long value = counts.getOrDefault(key, 0L) + delta;
        counts.put(key, value);
        return value;
    }
}
