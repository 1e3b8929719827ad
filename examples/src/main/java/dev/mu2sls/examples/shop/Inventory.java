package dev.mu2sls.examples.shop;

import dev.mu2sls.Internal;
import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;

/** Stock per item: reserved by orders, released when an unpaid order is cancelled. */
@Service
public class Inventory {
    private final PersistentMap<String, Long> available;

    public Inventory(State state) {
        available = state.map("available", String.class, Long.class);
    }

    /** Sets the stock of {@code item} (set-up). */
    public long stock(String item, long quantity) {
        available.put(item, quantity);
        return quantity;
    }

    /** Takes {@code quantity} of {@code item} if that many are left. */
    @Internal
    public boolean reserve(String item, long quantity) {
        long left = available.getOrDefault(item, 0L);
        if (left < quantity) {
            return false;
        }
        available.put(item, left - quantity);
        return true;
    }

    /** Puts back what a cancelled order reserved. */
    @Internal
    public void release(String item, long quantity) {
        available.put(item, available.getOrDefault(item, 0L) + quantity);
    }
}
