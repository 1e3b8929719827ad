package dev.mu2sls.core;

import dev.mu2sls.spi.TransactionHandle;
import java.util.TreeSet;

/**
 * A transaction as one execution sees it: one it began (and commits or aborts), one it joined
 * because it was called inside it (for its whole run), or, with transactions off, a no-op.
 */
final class TxContext implements TransactionHandle {
    enum Kind {
        OWNED,
        JOINED,
        NOOP
    }

    final String id;
    final Kind kind;
    /** Steps of async calls made inside the transaction and not yet awaited. */
    final TreeSet<Integer> unawaited = new TreeSet<>();

    private boolean open = true;
    /** Whether the pending status of a transaction this execution began is written (it must be before a call joins it). */
    private boolean announced;

    private TxContext(String id, Kind kind) {
        this.id = id;
        this.kind = kind;
    }

    static TxContext owned(String id) {
        return new TxContext(id, Kind.OWNED);
    }

    static TxContext joined(String id) {
        return new TxContext(id, Kind.JOINED);
    }

    static TxContext noop(String id) {
        return new TxContext(id, Kind.NOOP);
    }

    void close() {
        open = false;
    }

    /** Whether this is an open transaction this execution began whose pending status is not written yet. */
    boolean needsAnnouncing() {
        return kind == Kind.OWNED && open && !announced;
    }

    void announced() {
        announced = true;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public String toString() {
        return "transaction " + id;
    }
}
