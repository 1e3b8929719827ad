package dev.mu2sls.core;

import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Keys;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * An execution's steps that stay inside it: state operations, buffered in its {@link Segment}
 * until it persists, and drawn values ({@code Deterministic}). Each replays its journaled result,
 * or runs and buffers it.
 */
final class StateSteps {
    private final EngineContext ctx;
    private final StepLog log;
    private final Segment segment;
    private final TransactionSteps transactions;
    /** Lets go of the execution's hold on the store's commits, before a read waits for another's commit. */
    private final Runnable releaseHold;

    StateSteps(EngineContext ctx, StepLog log, Segment segment, TransactionSteps transactions, Runnable releaseHold) {
        this.ctx = ctx;
        this.log = log;
        this.segment = segment;
        this.transactions = transactions;
        this.releaseHold = releaseHold;
    }

    byte[] get(byte[] key) {
        int s = log.begin(JournalEntry.Op.GET, key);
        JournalEntry recorded = log.replayed(s);
        if (recorded != null) {
            return recorded.value();
        }
        byte[] value = read(key, s);
        log.buffer(new JournalEntry(s, JournalEntry.Op.GET, key, value));
        return value;
    }

    boolean contains(byte[] key) {
        int s = log.begin(JournalEntry.Op.CONTAINS, key);
        JournalEntry recorded = log.replayed(s);
        if (recorded != null) {
            return recorded.value()[0] == 1;
        }
        boolean present = read(key, s) != null;
        log.buffer(new JournalEntry(s, JournalEntry.Op.CONTAINS, key, new byte[] {(byte) (present ? 1 : 0)}));
        return present;
    }

    /**
     * Own buffered writes first, then the transaction's writes (inline participants', then
     * provisional records), then committed state.
     */
    private byte[] read(byte[] key, int s) {
        Write written = segment.written(key);
        if (written == null) {
            written = transactions.inlineWrite(key);
        }
        if (written != null) {
            return written.valueOrNull();
        }
        ctx.intents().awaitWriter(transactions.intentReader(), key, releaseHold);
        String txId = transactions.joinedId();
        byte[] provisionalKey = txId == null ? null : KeySpace.txWrite(txId, key);
        StateCache cache = ctx.store().stateCache();
        String remoteWriter = ctx.remoteWrites().writer(key, txId);
        StateCache.Hit hit = remoteWriter == null ? cache.lookup(key) : null; // not the value its commit replaces
        byte[] value;
        byte[] provisional = null;
        if (hit != null) {
            value = hit.value();
            if (provisionalKey != null && transactions.mayAssumeNoProvisionalWrite(key)) {
                // No provisional write is assumed, and the persist checks that, as it checks the
                // cached value. A wrong guess replays the segment, the key then read with its
                // provisional write.
                segment.assumeNoProvisionalWrite(key, provisionalKey, value);
            } else if (provisionalKey != null) {
                provisional = ctx.store().read(provisionalKey);
            }
        } else if (provisionalKey == null) {
            value = remoteWriter == null
                    ? ctx.store().read(key)
                    : readAfterRemoteEnd(remoteWriter, key, List.of(key)).getFirst();
            cache.loaded(key, value);
        } else {
            // Not cached: the state is read with the transaction's provisional write, in one round trip.
            List<byte[]> keys = List.of(provisionalKey, key);
            List<byte[]> both =
                    remoteWriter == null ? ctx.store().readAll(keys) : readAfterRemoteEnd(remoteWriter, key, keys);
            provisional = both.get(0);
            value = both.get(1);
            cache.loaded(key, value);
        }
        if (provisional != null) {
            return TxWrites.value(provisional);
        }
        segment.read(s, key, value);
        return value;
    }

    /**
     * {@code keys} as they are once {@code writer}, a transaction coordinated elsewhere that wrote
     * {@code key} here, ended ({@link RemoteTransactionWrites}); the state cache's value of the
     * key, its commit's guessed when it was written, is dropped for the one read.
     */
    private List<byte[]> readAfterRemoteEnd(String writer, byte[] key, List<byte[]> keys) {
        List<byte[]> values = ctx.remoteWrites()
                .readAfterEnd(
                        writer,
                        transactions.joinedId(),
                        transactions.joinedElsewhereCoordinated(),
                        key,
                        keys,
                        ctx.store()::readAll,
                        releaseHold);
        ctx.store().stateCache().forget(key);
        return values;
    }

    /** The journal keeps a fingerprint of the value written, so a replay writing another one diverges (G3). */
    void put(byte[] key, byte[] value) {
        int s = log.begin(JournalEntry.Op.PUT, key);
        byte[] fingerprint = ValueFingerprint.of(value);
        if (log.replayed(s) == null) {
            intendToWrite(key);
            segment.write(key, new Write.Put(value));
            log.buffer(new JournalEntry(s, JournalEntry.Op.PUT, key, fingerprint));
        } else {
            log.checkPutValue(s, key, fingerprint);
        }
    }

    void remove(byte[] key) {
        int s = log.begin(JournalEntry.Op.REMOVE, key);
        if (log.replayed(s) == null) {
            intendToWrite(key);
            segment.write(key, Write.DELETE);
            log.buffer(new JournalEntry(s, JournalEntry.Op.REMOVE, key, null));
        }
    }

    /**
     * Another execution's later read of {@code key} waits until this write is applied: until the
     * transaction ends (seen here, or in the store where it is coordinated elsewhere), or outside
     * one until the segment persists.
     */
    private void intendToWrite(byte[] key) {
        ctx.intents().wrote(transactions.intentWriter(), key);
        transactions.writing(key);
    }

    List<KeyValue> scan(byte[] from, byte[] to, int limit) {
        byte[] target = ScanCodec.target(from, to, limit);
        int s = log.begin(JournalEntry.Op.SCAN, target);
        JournalEntry recorded = log.replayed(s);
        if (recorded != null) {
            return ScanCodec.decode(recorded.value());
        }
        Map<byte[], Write> own = segment.writtenIn(from, to);
        String txId = transactions.joinedId();
        Map<byte[], Write> provisional = Map.of();
        if (txId != null) {
            provisional = TxWrites.inRange(ctx.store(), txId, from, to);
            provisional.putAll(transactions.inlineWritesIn(from, to));
        }
        int fetchLimit = limit + own.size() + provisional.size();
        List<KeyValue> committed = ctx.store().scan(from, to, fetchLimit);
        segment.scanned(new Segment.ScanRead(s, from, to, fetchLimit, committed));
        List<KeyValue> result = overlay(committed, provisional, own, limit);
        log.buffer(new JournalEntry(s, JournalEntry.Op.SCAN, target, ScanCodec.encode(result)));
        return result;
    }

    /**
     * What a scan sees: the first {@code limit} entries of {@code committed} state under the
     * transaction's {@code provisional} writes, under the segment's {@code own}.
     */
    static List<KeyValue> overlay(
            List<KeyValue> committed, Map<byte[], Write> provisional, Map<byte[], Write> own, int limit) {
        TreeMap<byte[], Write> merged = new TreeMap<>(Keys.ORDER);
        for (KeyValue kv : committed) {
            merged.put(kv.key(), new Write.Put(kv.value()));
        }
        merged.putAll(provisional);
        merged.putAll(own);
        List<KeyValue> result = new ArrayList<>(Math.min(limit, merged.size()));
        for (Map.Entry<byte[], Write> entry : merged.entrySet()) {
            if (result.size() == limit) {
                break;
            }
            if (entry.getValue() instanceof Write.Put put) {
                result.add(new KeyValue(entry.getKey(), put.value()));
            }
        }
        return result;
    }

    UUID uuid() {
        int s = log.begin(JournalEntry.Op.UUID, StepLog.NO_TARGET);
        JournalEntry recorded = log.replayed(s);
        if (recorded != null) {
            ByteBuffer value = ByteBuffer.wrap(recorded.value());
            return new UUID(value.getLong(), value.getLong());
        }
        UUID uuid = ctx.entropy().uuid();
        log.buffer(new JournalEntry(
                s,
                JournalEntry.Op.UUID,
                StepLog.NO_TARGET,
                ByteBuffer.allocate(16)
                        .putLong(uuid.getMostSignificantBits())
                        .putLong(uuid.getLeastSignificantBits())
                        .array()));
        return uuid;
    }

    Instant now() {
        int s = log.begin(JournalEntry.Op.NOW, StepLog.NO_TARGET);
        JournalEntry recorded = log.replayed(s);
        if (recorded != null) {
            ByteBuffer value = ByteBuffer.wrap(recorded.value());
            return Instant.ofEpochSecond(value.getLong(), value.getInt());
        }
        Instant now = ctx.entropy().now();
        log.buffer(new JournalEntry(
                s,
                JournalEntry.Op.NOW,
                StepLog.NO_TARGET,
                ByteBuffer.allocate(12)
                        .putLong(now.getEpochSecond())
                        .putInt(now.getNano())
                        .array()));
        return now;
    }

    long randomSeed() {
        int s = log.begin(JournalEntry.Op.RANDOM, StepLog.NO_TARGET);
        JournalEntry recorded = log.replayed(s);
        if (recorded != null) {
            return ByteBuffer.wrap(recorded.value()).getLong();
        }
        long seed = ctx.entropy().randomSeed();
        log.buffer(new JournalEntry(
                s,
                JournalEntry.Op.RANDOM,
                StepLog.NO_TARGET,
                ByteBuffer.allocate(8).putLong(seed).array()));
        return seed;
    }
}
