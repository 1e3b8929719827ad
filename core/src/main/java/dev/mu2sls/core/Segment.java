package dev.mu2sls.core;

import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Keys;
import dev.mu2sls.store.StoreTransaction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The state steps of an execution since its last persist (DESIGN §4): the writes, buffered, and
 * the committed values read, which the persisting store transaction must find unchanged (G2).
 * Nothing here is visible outside the execution, so losing it in a crash is the same as the
 * steps never having run.
 */
final class Segment {
    /** A read of one key at a step, and the committed value it saw (null: absent). */
    record Read(int step, byte[] key, byte[] value) {}

    /** A scan at a step: its range, how many entries it fetched, and the committed ones it saw. */
    record ScanRead(int step, byte[] from, byte[] to, int fetchLimit, List<KeyValue> committed) {}

    /**
     * A read in a transaction that took {@code value} of {@code key} from the state cache and
     * assumed the transaction had no provisional write of it ({@code provisionalKey} absent).
     */
    record AssumedRead(byte[] key, byte[] provisionalKey, byte[] value) {}

    private final TreeMap<byte[], Write> writes = new TreeMap<>(Keys.ORDER);
    private final List<Read> reads = new ArrayList<>();
    private final List<ScanRead> scans = new ArrayList<>(0);
    private final List<AssumedRead> assumed = new ArrayList<>(0);
    /** The records the last {@link #persist} wrote into its transaction (none outside one). */
    private List<KeyValue> recorded = List.of();

    /** This segment's write of {@code key}, or null if it wrote none. */
    Write written(byte[] key) {
        return writes.get(key);
    }

    void write(byte[] key, Write write) {
        writes.put(key, write);
    }

    void read(int step, byte[] key, byte[] value) {
        reads.add(new Read(step, key, value));
    }

    void scanned(ScanRead scan) {
        scans.add(scan);
    }

    /** A read of {@code key} took {@code value} from the state cache, assuming {@code provisionalKey} absent. */
    void assumeNoProvisionalWrite(byte[] key, byte[] provisionalKey, byte[] value) {
        assumed.add(new AssumedRead(key, provisionalKey, value));
    }

    /** This segment's writes to keys in {@code [from, to)}. */
    SortedMap<byte[], Write> writtenIn(byte[] from, byte[] to) {
        return writes.subMap(from, true, to, false);
    }

    /** Whether any state step is buffered (a read, a scan or a write). */
    boolean touchesState() {
        return !reads.isEmpty() || !writes.isEmpty() || !scans.isEmpty() || !assumed.isEmpty();
    }

    Map<byte[], Write> writes() {
        return Collections.unmodifiableMap(writes);
    }

    List<Read> reads() {
        return Collections.unmodifiableList(reads);
    }

    List<ScanRead> scans() {
        return Collections.unmodifiableList(scans);
    }

    /**
     * Whether every value this segment read is still what {@code st} holds, and no provisional
     * write it assumed absent exists; the first stale point read found is reported to
     * {@code staleRead} (key, value read).
     */
    boolean readsHold(StoreTransaction st, BiConsumer<byte[], byte[]> staleRead) {
        for (AssumedRead read : assumed) {
            if (!st.holds(read.provisionalKey(), null)) {
                staleRead.accept(read.key(), read.value()); // read again, with the provisional write
                return false;
            }
        }
        for (Read read : reads) {
            if (!st.holds(read.key(), read.value())) {
                staleRead.accept(read.key(), read.value());
                return false;
            }
        }
        for (ScanRead scan : scans) {
            if (!Keys.sameEntries(st.scan(scan.from(), scan.to(), scan.fetchLimit()), scan.committed())) {
                return false;
            }
        }
        return true;
    }

    /** Applies the writes to the state (outside a transaction). */
    void applyTo(StoreTransaction st) {
        writes.forEach((key, write) -> {
            switch (write) {
                case Write.Put put -> st.put(key, put.value());
                case Write.Delete delete -> st.delete(key);
            }
        });
    }

    /**
     * Persists this segment in {@code st}: its reads validated, then its writes applied to the
     * state, or recorded in transaction {@code txId} (not null) as segment {@code number}.
     *
     * @return false if a read was stale (nothing written)
     */
    boolean persist(StoreTransaction st, String txId, String requestId, int number, StateCache cache, long nowMillis) {
        // Inside a transaction too: a read already stale is replayed here, locally, instead of
        // failing the whole transaction at commit (the commit validates again).
        recorded = List.of();
        if (!readsHold(st, cache::stale)) {
            return false;
        }
        if (txId != null) {
            writes.keySet().forEach(cache::forget); // the commit may be applied by another instance
            recorded = TxWrites.record(st, txId, requestId, number, this, nowMillis);
        } else {
            applyTo(st);
        }
        return true;
    }

    /** The records the last {@link #persist} wrote into its transaction, once its store transaction committed. */
    List<KeyValue> recorded() {
        return recorded;
    }

    /**
     * The persisted writes, now committed state outside a transaction; inside one, what its
     * commit will most likely apply (the coordinator applies it, maybe on another instance, so
     * this one would never learn it). An abort leaves a stale value, which the next read's
     * validation finds and drops like any other; forgetting it instead cost a participant a store
     * read of the key in every transaction.
     */
    void cacheCommitted(StateCache cache) {
        writes.forEach((key, write) -> cache.committed(key, write.valueOrNull()));
    }

    /** Drops from {@code cache} what {@link #cacheCommitted} put there: the writes were never applied. */
    void forgetCached(StateCache cache) {
        writes.keySet().forEach(cache::forget);
    }

    /**
     * Drops the buffered writes of a segment whose handler threw (docs/guarantees.md, failure
     * semantics); its reads stay, to be validated: the failure may rest on them.
     */
    void discardWrites() {
        writes.clear();
    }

    void clear() {
        reads.clear();
        assumed.clear();
        scans.clear();
        writes.clear();
    }
}
