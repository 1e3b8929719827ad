package dev.mu2sls.examples.mixed;

import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;
import java.util.Map;

/** Stores amounts by key and sums them by key range; the callee of {@link Orchestrator}. */
@Service
public class Shard {
    private final PersistentMap<String, Long> amounts;

    public Shard(State state) {
        amounts = state.map("amounts", String.class, Long.class);
    }

    /** Adds {@code amount} under {@code key}; returns the key's new amount. */
    public long record(String key, long amount) {
        if (amount < 0) {
            throw new IllegalArgumentException("amount must not be negative: " + amount);
        }
        long updated = amounts.getOrDefault(key, 0L) + amount;
        amounts.put(key, updated);
        return updated;
    }

    /** Sum of the amounts whose keys start with {@code prefix}. */
    public long total(String prefix) {
        long sum = 0;
        for (Map.Entry<String, Long> entry : amounts.scan(prefix, prefix + Character.MAX_VALUE, 1_000)) {
            sum += entry.getValue();
        }
        return sum;
    }
}
