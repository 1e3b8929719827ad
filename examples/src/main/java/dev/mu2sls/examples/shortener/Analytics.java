package dev.mu2sls.examples.shortener;

import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;

/** Visit counts of short codes. */
@Service
public class Analytics {
    private final PersistentMap<String, Long> visits;

    public Analytics(State state) {
        visits = state.map("visits", String.class, Long.class);
    }

    /** Counts one visit of {@code code}; returns its visits so far. */
    public long visit(String code) {
        long count = visits.getOrDefault(code, 0L) + 1;
        visits.put(code, count);
        return count;
    }

    /** How often {@code code} was resolved. */
    public long visits(String code) {
        return visits.getOrDefault(code, 0L);
    }
}
