package dev.mu2sls.simulator;

import dev.mu2sls.store.ForwardingStore;
import dev.mu2sls.store.ForwardingStoreTransaction;
import dev.mu2sls.store.Store;
import dev.mu2sls.store.StoreConflictException;
import dev.mu2sls.store.StoreTransaction;
import java.util.function.BooleanSupplier;

/**
 * A store whose commits sometimes lose their reply: the commit is applied, and the engine is told
 * it conflicted, as when a database connection drops after the commit. The store's retry loop runs
 * the body again against the state the lost commit left, which is what the engine must recognise.
 */
final class LostReplyStore extends ForwardingStore {
    private final BooleanSupplier loseReply;

    LostReplyStore(Store delegate, BooleanSupplier loseReply) {
        super(delegate);
        this.loseReply = loseReply;
    }

    @Override
    protected StoreTransaction decorate(StoreTransaction transaction) {
        return new ForwardingStoreTransaction(transaction) {
            @Override
            public void commit() {
                super.commit();
                if (loseReply.getAsBoolean()) {
                    throw new StoreConflictException("simulated: the commit was applied but its reply was lost");
                }
            }
        };
    }
}
