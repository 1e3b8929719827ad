package dev.mu2sls.examples.wallet;

import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;

/** Counts the receipts noted for a wallet (a call a participant makes between two of its segments). */
@Service
public class Receipts {
    private final PersistentMap<String, Long> entries;

    public Receipts(State state) {
        entries = state.map("entries", String.class, Long.class);
    }

    public long note(String walletId) {
        long count = entries.getOrDefault(walletId, 0L) + 1;
        entries.put(walletId, count);
        return count;
    }
}
