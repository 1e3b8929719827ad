package dev.mu2sls.examples.tree;

import dev.mu2sls.DurableFuture;
import dev.mu2sls.Service;
import dev.mu2sls.Transaction;

/** W3 tree: in one transaction, async adds to both backends, await both, commit. */
@Service
public class Tree {
    private final Backend1Client left = new Backend1Client();
    private final Backend2Client right = new Backend2Client();

    /** Adds {@code delta} under {@code key} in both backends atomically; returns the sum of the new values. */
    public long add(String key, long delta) {
        return Transaction.run(tx -> {
            DurableFuture<Long> l = left.async().add(key, delta);
            DurableFuture<Long> r = right.async().add(key, delta);
            return l.await() + r.await();
        });
    }
}
