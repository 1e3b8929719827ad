package dev.mu2sls.core;

import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Store;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads key ranges outside transactions for the {@link Inspector}, in batches of {@value #BATCH}
 * so that no listing loads a whole kind of record at once.
 */
final class StoreScan {
    static final int BATCH = 1_000;

    private final Store store;

    StoreScan(Store store) {
        this.store = store;
    }

    byte[] get(byte[] key) {
        return store.get(key);
    }

    /** Every record of {@code kind}, in key order; returns how many there were. */
    int forEach(byte kind, Consumer<KeyValue> action) {
        return forEach(KeySpace.rangeStart(kind), KeySpace.rangeEnd(kind), action);
    }

    int forEach(byte[] from, byte[] end, Consumer<KeyValue> action) {
        return forEach(from, end, action, Integer.MAX_VALUE);
    }

    /** Scans {@code [from, end)} in batches, stopping after {@code max} entries; returns how many it saw. */
    int forEach(byte[] from, byte[] end, Consumer<KeyValue> action, int max) {
        int seen = 0;
        while (seen < max) {
            List<KeyValue> batch = store.scan(from, end, Math.min(BATCH, max - seen));
            batch.forEach(action);
            seen += batch.size();
            if (batch.size() < BATCH) {
                break;
            }
            byte[] last = batch.getLast().key();
            from = Arrays.copyOf(last, last.length + 1);
        }
        return seen;
    }

    /** How many records of {@code kind} there are. */
    int count(byte kind) {
        return forEach(kind, kv -> {});
    }

    /** How many records {@code [from, end)} holds. */
    int count(byte[] from, byte[] end) {
        return forEach(from, end, kv -> {});
    }
}
