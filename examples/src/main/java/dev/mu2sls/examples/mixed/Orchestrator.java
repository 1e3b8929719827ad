package dev.mu2sls.examples.mixed;

import dev.mu2sls.Deterministic;
import dev.mu2sls.DurableFuture;
import dev.mu2sls.PersistentMap;
import dev.mu2sls.PersistentValue;
import dev.mu2sls.Service;
import dev.mu2sls.State;
import java.util.ArrayList;
import java.util.List;

/**
 * A service that exercises every feature of the engine in one request: reads, writes, removes
 * and scans of its own state; sync calls; async fan-out joined with {@code all} and raced with
 * {@code any}; and journaled ids, time and random numbers. Property tests run it under fault
 * plans against its spec.
 */
@Service
public class Orchestrator {
    private final PersistentMap<String, Receipt> receipts;
    private final PersistentValue<Long> batches;
    private final ShardClient shard = new ShardClient();

    public Orchestrator(State state) {
        receipts = state.map("receipts", String.class, Receipt.class);
        batches = state.value("batches", Long.class);
    }

    /** Records {@code amounts} for {@code user} across the shard and returns the receipt. */
    public Receipt process(String user, List<Long> amounts) {
        if (amounts.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one amount");
        }
        long batch = batches.getOrDefault(0L) + 1;
        batches.set(batch);
        var id = Deterministic.uuid();
        var at = Deterministic.now();
        int lucky = Deterministic.random().nextInt(1_000);

        List<DurableFuture<Long>> parts = new ArrayList<>();
        for (int i = 0; i < amounts.size(); i++) {
            parts.add(shard.async().record(user + "/" + i, amounts.get(i)));
        }
        DurableFuture.all(parts);
        long sum = 0;
        for (DurableFuture<Long> part : parts) {
            sum += part.await();
        }
        int firstDone = DurableFuture.any(
                shard.async().total(user + "/0"), shard.async().total(user + "/"));
        long userTotal = shard.total(user + "/");
        int earlier =
                receipts.scan(user + "#", user + "#" + Character.MAX_VALUE, 100).size();
        if (earlier >= 3) {
            receipts.remove(user + "#" + (batch - 3));
        }
        Receipt receipt = new Receipt(id, at, lucky, sum, firstDone, userTotal, earlier);
        receipts.put(user + "#" + batch, receipt);
        return receipt;
    }

    /** The receipt of batch number {@code batch} of {@code user}, or null. */
    public Receipt receipt(String user, long batch) {
        return receipts.contains(user + "#" + batch) ? receipts.get(user + "#" + batch) : null;
    }
}
