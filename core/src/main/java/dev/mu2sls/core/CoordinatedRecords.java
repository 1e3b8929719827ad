package dev.mu2sls.core;

import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Keys;
import dev.mu2sls.store.StoreTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The records (provisional writes and recorded reads, {@link TxWrites}) that this engine's own
 * executions persisted into the transactions it coordinates, so that ending one need not read
 * them from the store first. Where a transaction's services all run in this process (co-located,
 * or a single service), its end takes them as what the store holds: the store checks that at the
 * commit point ({@link StoreTransaction#rangeHolds}), and a wrong guess costs one refused attempt
 * whose retry reads the records. Correctness never depends on what is known here.
 *
 * <p>The guess is offered only for a transaction begun afresh here (a replayed one has records
 * its earlier executions wrote), and only while every call made inside it from here was served
 * here: a participant in another process writes records this engine never sees.
 */
final class CoordinatedRecords {
    private final ConcurrentHashMap<String, Known> transactions = new ConcurrentHashMap<>();

    /** One transaction's records persisted here, the calls made inside it here, and those served here. */
    private static final class Known {
        final ConcurrentSkipListMap<byte[], byte[]> records = new ConcurrentSkipListMap<>(Keys.ORDER);
        final Set<String> called = ConcurrentHashMap.newKeySet();
        final Set<String> served = ConcurrentHashMap.newKeySet();
    }

    /** An execution here began transaction {@code txId} (not a replay of its begin). */
    void began(String txId) {
        transactions.putIfAbsent(txId, new Known());
    }

    /** Whether an execution here began {@code txId} afresh, and it has not ended. */
    boolean coordinates(String txId) {
        return transactions.containsKey(txId);
    }

    /** An execution here made a call inside {@code txId}, to request {@code calleeRequestId}. */
    void called(String txId, String calleeRequestId) {
        Known known = transactions.get(txId);
        if (known != null) {
            known.called.add(calleeRequestId);
        }
    }

    /** Request {@code requestId} runs here as a participant of {@code txId}. */
    void serving(String txId, String requestId) {
        Known known = transactions.get(txId);
        if (known != null) {
            known.served.add(requestId);
        }
    }

    /** A persist here committed {@code records} into {@code txId}. */
    void recorded(String txId, List<KeyValue> records) {
        Known known = transactions.get(txId);
        if (known != null) {
            for (KeyValue record : records) {
                known.records.put(record.key(), record.value());
            }
        }
    }

    /**
     * The records {@code txId} most likely has, in key order, or null when this engine cannot
     * tell (a transaction it does not coordinate, a replayed one, or a call inside it served elsewhere).
     */
    List<KeyValue> expected(String txId) {
        Known known = transactions.get(txId);
        if (known == null || !known.served.containsAll(known.called)) {
            return null;
        }
        List<KeyValue> records = new ArrayList<>(known.records.size());
        for (Map.Entry<byte[], byte[]> record : known.records.entrySet()) {
            records.add(new KeyValue(record.getKey(), record.getValue()));
        }
        return records;
    }

    /** {@code txId} ended, or the execution coordinating it stopped. */
    void ended(String txId) {
        transactions.remove(txId);
    }
}
