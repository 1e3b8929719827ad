package dev.mu2sls.core;

import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Keys;
import dev.mu2sls.store.StoreTransaction;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A transaction's records beside the state (DESIGN §4, "Transactions"), and the two store
 * transactions that act on them. The design is optimistic and lock-free:
 * <ul>
 *   <li>participants persist their writes as provisional {@code W} records and what they read
 *       as {@code V}/{@code Q} records; the state keys are untouched, so nobody outside the
 *       transaction can see its writes, and nobody waits for it;
 *   <li>the coordinator ends the transaction in one store transaction that validates every
 *       recorded read against the current state, applies every provisional write, deletes the
 *       records and writes the status: commit decision and application are one atomic step;
 *   <li>an abandoned transaction blocks no one; its records are dropped when its lease expires.
 * </ul>
 * Because the first transaction to end wins every conflict, some transaction always commits
 * (no deadlock, no livelock); a loser runs again with backoff.
 */
final class TxWrites {
    private static final byte PUT = 1;
    private static final byte DELETE = 0;

    private TxWrites() {}

    /**
     * The value of an encoded provisional write, or null for a delete. Format 1:
     * {@code V1 PUT value} or {@code V1 DELETE}; format 0 had no marker.
     */
    static byte[] value(byte[] encoded) {
        int kind = StoredFormat.isV1(encoded) ? 1 : 0;
        return encoded[kind] == DELETE ? null : Arrays.copyOfRange(encoded, kind + 1, encoded.length);
    }

    private static byte[] encodeWrite(byte[] value) {
        if (value == null) {
            return new byte[] {StoredFormat.V1, DELETE};
        }
        byte[] encoded = new byte[value.length + 2];
        encoded[0] = StoredFormat.V1;
        encoded[1] = PUT;
        System.arraycopy(value, 0, encoded, 2, value.length);
        return encoded;
    }

    /** A recorded read's value after its format marker (format 1) or from its start (format 0). */
    private static ByteBuffer readRecord(byte[] encoded) {
        ByteBuffer in = ByteBuffer.wrap(encoded);
        if (StoredFormat.isV1(encoded)) {
            in.get();
        }
        return in;
    }

    /** Provisional writes of {@code txId} to state keys in {@code [from, to)}. */
    static Map<byte[], Write> inRange(EngineStore store, String txId, byte[] from, byte[] to) {
        List<KeyValue> entries =
                store.scan(KeySpace.txWrite(txId, from), KeySpace.txWrite(txId, to), Integer.MAX_VALUE);
        Map<byte[], Write> writes = new TreeMap<>(Keys.ORDER);
        for (KeyValue kv : entries) {
            writes.put(KeySpace.stateKeyOfTxWrite(txId, kv.key()), Write.of(value(kv.value())));
        }
        return writes;
    }

    /**
     * Records a participant's segment in the transaction: writes as provisional writes, reads to
     * validate at the end. A transaction that already ended gets nothing (a late participant).
     * The caller has validated the segment's reads in {@code st}; each read record names its
     * segment (the request's journal length when it was recorded), so that {@link #finish} can
     * tell a transaction whose reads all held at one moment.
     *
     * @return the records written (none: the transaction had ended)
     */
    static List<KeyValue> record(
            StoreTransaction st, String txId, String requestId, int segmentNumber, Segment segment, long nowMillis) {
        byte[] statusKey = KeySpace.txStatus(txId);
        if (!st.satisfies(statusKey, value -> pending(statusKey, value))) {
            // Refused (a store that checks conditions at commit asks again by reading): ended, or
            // absent because the coordinator is of a version that did not announce it.
            TxStatus status = TxStatus.decode(statusKey, st.get(statusKey));
            if (status != null && status.state().ended()) {
                return List.of();
            }
            if (status == null) {
                st.put(statusKey, new TxStatus(TxStatus.State.PENDING, nowMillis).encode());
            }
        }
        List<KeyValue> records = new ArrayList<>();
        segment.writes()
                .forEach((key, write) ->
                        records.add(new KeyValue(KeySpace.txWrite(txId, key), encodeWrite(write.valueOrNull()))));
        for (Segment.Read read : segment.reads()) {
            records.add(new KeyValue(
                    KeySpace.txRead(KeySpace.TX_READ, txId, requestId, read.step()),
                    encodeRead(segmentNumber, read.key(), read.value())));
        }
        for (Segment.ScanRead scan : segment.scans()) {
            records.add(new KeyValue(
                    KeySpace.txRead(KeySpace.TX_SCAN, txId, requestId, scan.step()), encodeScan(segmentNumber, scan)));
        }
        records.forEach(record -> st.put(record.key(), record.value()));
        return records;
    }

    /**
     * Writes the pending status of a transaction its coordinator is about to call a participant
     * in (unless one is written: a re-execution announces again). Participants then find it
     * ({@link #record} only checks it), so two of them never race to create it: on PostgreSQL
     * that race cost a refused batch or a serialization failure per transaction.
     */
    static void announce(StoreTransaction st, String txId, long nowMillis) {
        byte[] statusKey = KeySpace.txStatus(txId);
        if (st.satisfies(statusKey, Objects::isNull)) {
            st.put(statusKey, new TxStatus(TxStatus.State.PENDING, nowMillis).encode());
        }
    }

    private static boolean pending(byte[] statusKey, byte[] value) {
        return value != null && !TxStatus.decode(statusKey, value).state().ended();
    }

    /**
     * Marks the transaction aborted (unless it already ended): a participant its coordinator heard
     * from could not be recorded ({@link InlineParticipants}). Its commit then conflicts.
     */
    static void abortIfOpen(StoreTransaction st, String txId, long nowMillis) {
        byte[] statusKey = KeySpace.txStatus(txId);
        if (open(st, statusKey)) {
            st.put(statusKey, new TxStatus(TxStatus.State.ABORTED, nowMillis).encode());
        }
    }

    /** Whether the transaction committed, as a read of {@code st}. */
    static boolean committed(StoreTransaction st, String txId) {
        byte[] statusKey = KeySpace.txStatus(txId);
        TxStatus status = TxStatus.decode(statusKey, st.get(statusKey));
        return status != null && status.state() == TxStatus.State.COMMITTED;
    }

    /** Marks the transaction aborted by a participant (unless it already ended). */
    static void abortByParticipant(StoreTransaction st, String txId, long nowMillis) {
        byte[] statusKey = KeySpace.txStatus(txId);
        if (open(st, statusKey)) {
            st.put(statusKey, new TxStatus(TxStatus.State.ABORTED_BY_PARTICIPANT, nowMillis).encode());
        }
    }

    /**
     * Ends the transaction in the caller's store transaction: validates every read (the
     * coordinator's own buffered ones and every participant's recorded ones), then commits
     * (applies all provisional and own writes) or aborts, drops the records, writes the status.
     *
     * <p>A read-only transaction whose reads were all recorded by one segment needs no validation
     * here: that segment's reads held together when it was recorded, so the transaction is
     * serializable at that moment, whatever committed since. This is what keeps a long read-only
     * transaction, such as W6's audit of every balance, from being overtaken again and again by
     * short writers between its read and its commit.
     *
     * <p>The participants that completed inline ({@link InlineParticipants}) are validated and
     * applied here like recorded ones, after them, and their completion records written whatever
     * the outcome (their requests completed; only their writes depend on it). That needs the
     * records to be exactly those coherent with them, and none of them recorded by another
     * execution; otherwise the transaction conflicts, and they are not recorded.
     *
     * @param expectedRecords the records the transaction most likely has ({@link CoordinatedRecords}), to be
     *     checked instead of read; null: read them
     * @param inline the inline participants to record
     * @param applied receives each state write a commit applied (null value: deleted)
     * @param recordedInline receives the inline participants whose completion records were written
     */
    static TxOutcome finish(
            StoreTransaction st,
            String txId,
            boolean commit,
            Segment own,
            List<KeyValue> expectedRecords,
            Inline inline,
            long nowMillis,
            Map<byte[], byte[]> applied,
            List<InlineParticipants.Completion> recordedInline) {
        byte[] statusKey = KeySpace.txStatus(txId);
        // Pending or absent (not yet persisted into) decide alike: only an ended status is needed.
        TxStatus status = open(st, statusKey) ? null : TxStatus.decode(statusKey, st.get(statusKey));
        byte[] prefix = KeySpace.txRecords(txId);
        boolean coherent = inline.coherentRecords() == null
                || st.rangeHolds(prefix, Keys.prefixEnd(prefix), inline.coherentRecords());
        Records records = coherent && inline.coherentRecords() != null
                ? Records.sorted(txId, inline.coherentRecords())
                : Records.of(st, txId, inline.coherentRecords() == null ? expectedRecords : null);
        List<InlineParticipants.Completion> participants =
                coherent && !inline.recordedElsewhere() ? inline.completions() : List.of();
        TxOutcome outcome;
        if (status != null && status.state() == TxStatus.State.ABORTED_BY_PARTICIPANT) {
            outcome = commit ? TxOutcome.ABORTED_BY_PARTICIPANT : TxOutcome.ABORTED;
        } else if (status != null && status.state().ended()) {
            outcome = TxOutcome.CONFLICT; // expired past its lease while the coordinator was away
        } else if (participants.size() < inline.completions().size()) {
            outcome = TxOutcome.CONFLICT; // records its inline participants did not see
        } else if (!(participants.isEmpty() && readOnlyAtOneMoment(records, own, txId))
                && !readsCurrent(st, records, own, participants)) {
            outcome = TxOutcome.CONFLICT;
        } else {
            outcome = commit ? TxOutcome.COMMITTED : TxOutcome.ABORTED;
        }
        if (outcome == TxOutcome.COMMITTED) {
            for (KeyValue write : records.writes) {
                byte[] stateKey = KeySpace.stateKeyOfTxWrite(txId, write.key());
                byte[] value = value(write.value());
                if (value == null) {
                    st.delete(stateKey);
                } else {
                    st.put(stateKey, value);
                }
                applied.put(stateKey, value);
            }
            for (InlineParticipants.Completion participant : participants) {
                participant.segment.applyTo(st);
                participant.segment.writes().forEach((key, write) -> applied.put(key, write.valueOrNull()));
            }
            own.applyTo(st);
            own.writes().forEach((key, write) -> applied.put(key, write.valueOrNull()));
        }
        for (InlineParticipants.Completion participant : participants) {
            // a retry puts: none is there, as recordedElsewhere read
            participant.commit.writeRecord(st, inline.firstAttempt(), participant.record);
        }
        recordedInline.addAll(participants);
        records.drop(st);
        TxStatus.State ended = outcome == TxOutcome.COMMITTED
                ? TxStatus.State.COMMITTED
                : status != null && status.state().ended() ? status.state() : TxStatus.State.ABORTED;
        st.put(statusKey, new TxStatus(ended, nowMillis).encode());
        return outcome;
    }

    /**
     * Whether the transaction has not ended (its status is pending or absent), as a read of
     * {@code st}: a condition rather than a value, so that a store may check it at the commit
     * point instead of reading it first (PostgreSQL's batches, {@link StoreTransaction#satisfies}).
     */
    private static boolean open(StoreTransaction st, byte[] statusKey) {
        return st.satisfies(statusKey, value -> {
            TxStatus status = TxStatus.decode(statusKey, value);
            return status == null || !status.state().ended();
        });
    }

    /** Aborts a transaction abandoned past its lease: drops its records, marks it expired. */
    static boolean expire(StoreTransaction st, String txId, long pendingBeforeMillis, long nowMillis) {
        byte[] statusKey = KeySpace.txStatus(txId);
        TxStatus status = TxStatus.decode(statusKey, st.get(statusKey));
        if (status == null || status.state() != TxStatus.State.PENDING || status.atMillis() >= pendingBeforeMillis) {
            return false;
        }
        Records.of(st, txId, null).drop(st);
        st.put(statusKey, new TxStatus(TxStatus.State.EXPIRED, nowMillis).encode());
        return true;
    }

    /**
     * The participants that completed inline, for a commit to record.
     *
     * @param completions in the order they ran
     * @param coherentRecords the records the transaction must have for them to be recorded; null: no inline participant
     * @param firstAttempt whether this is the commit's first attempt, which inserts their completion records
     * @param recordedElsewhere whether another execution recorded one of them (read on a later attempt)
     */
    record Inline(
            List<InlineParticipants.Completion> completions,
            List<KeyValue> coherentRecords,
            boolean firstAttempt,
            boolean recordedElsewhere) {
        static final Inline NONE = new Inline(List.of(), null, true, false);
    }

    /** A transaction's provisional writes and recorded reads, from one scan of its records. */
    private record Records(List<KeyValue> writes, List<KeyValue> reads, List<KeyValue> scans) {
        /** The records {@code expected} if they are the store's (or taken to be, for the commit to check), else those read. */
        static Records of(StoreTransaction st, String txId, List<KeyValue> expected) {
            byte[] prefix = KeySpace.txRecords(txId);
            byte[] end = Keys.prefixEnd(prefix);
            List<KeyValue> all = expected != null && st.rangeHolds(prefix, end, expected)
                    ? expected
                    : st.scan(prefix, end, Integer.MAX_VALUE);
            return sorted(txId, all);
        }

        /** {@code all}, the transaction's records, by kind. */
        static Records sorted(String txId, List<KeyValue> all) {
            int kindAt = KeySpace.txRecords(txId).length;
            Records records = new Records(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (KeyValue record : all) {
                byte kind = record.key()[kindAt];
                switch (kind) {
                    case KeySpace.TX_WRITE -> records.writes.add(record);
                    case KeySpace.TX_READ -> records.reads.add(record);
                    case KeySpace.TX_SCAN -> records.scans.add(record);
                    default ->
                        throw new IllegalStateException("transaction " + txId + " has a record of unknown kind '"
                                + (char) kind + "'; was the store written by a newer mu2sls?");
                }
            }
            return records;
        }

        void drop(StoreTransaction st) {
            for (List<KeyValue> kind : List.of(writes, reads, scans)) {
                for (KeyValue kv : kind) {
                    st.delete(kv.key());
                }
            }
        }
    }

    private static boolean readOnlyAtOneMoment(Records records, Segment own, String txId) {
        if (!records.writes.isEmpty() || own.touchesState()) {
            return false;
        }
        int prefix = KeySpace.txPrefix(KeySpace.TX_READ, txId).length; // TX_SCAN prefixes have the same length
        byte[] segment = null;
        for (List<KeyValue> kind : List.of(records.reads, records.scans)) {
            for (KeyValue read : kind) {
                byte[] id = segmentOf(read, prefix);
                if (segment == null) {
                    segment = id;
                } else if (!Arrays.equals(segment, id)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A read record's segment: the recording request's part of the key, and the segment number in the value. */
    private static byte[] segmentOf(KeyValue read, int prefix) {
        int requestEnd = read.key().length - 5; // a 0 byte and the step follow the request
        return ByteBuffer.allocate(requestEnd - prefix + 4)
                .put(read.key(), prefix, requestEnd - prefix)
                .putInt(readRecord(read.value()).getInt())
                .array();
    }

    private static boolean readsCurrent(
            StoreTransaction st, Records records, Segment own, List<InlineParticipants.Completion> inline) {
        if (!own.readsHold(st, (key, value) -> {})) {
            return false;
        }
        for (InlineParticipants.Completion participant : inline) {
            if (!participant.segment.readsHold(st, (key, value) -> {})) {
                return false;
            }
        }
        for (KeyValue read : records.reads) {
            ByteBuffer in = readRecord(read.value());
            in.getInt(); // segment
            byte[] key = new byte[in.getInt()];
            in.get(key);
            int length = in.getInt();
            byte[] observed = length < 0 ? null : new byte[length];
            if (observed != null) {
                in.get(observed);
            }
            if (!st.holds(key, observed)) {
                return false;
            }
        }
        for (KeyValue read : records.scans) {
            ByteBuffer in = readRecord(read.value());
            in.getInt(); // segment
            byte[] from = new byte[in.getInt()];
            in.get(from);
            byte[] to = new byte[in.getInt()];
            in.get(to);
            int fetchLimit = in.getInt();
            byte[] entries = new byte[in.remaining()];
            in.get(entries);
            if (!Keys.sameEntries(st.scan(from, to, fetchLimit), ScanCodec.decode(entries))) {
                return false;
            }
        }
        return true;
    }

    /** Format 1: {@code V1 segment:int key observed}, byte strings as {@code length:int bytes} (-1: absent). */
    private static byte[] encodeRead(int segment, byte[] key, byte[] observed) {
        ByteBuffer out = ByteBuffer.allocate(13 + key.length + (observed == null ? 0 : observed.length));
        out.put(StoredFormat.V1).putInt(segment).putInt(key.length).put(key);
        if (observed == null) {
            out.putInt(-1);
        } else {
            out.putInt(observed.length).put(observed);
        }
        return out.array();
    }

    /** Format 1: {@code V1 segment:int from to fetchLimit:int entries} (entries as {@link ScanCodec} writes them). */
    private static byte[] encodeScan(int segment, Segment.ScanRead scan) {
        byte[] entries = ScanCodec.encode(scan.committed());
        return ByteBuffer.allocate(17 + scan.from().length + scan.to().length + entries.length)
                .put(StoredFormat.V1)
                .putInt(segment)
                .putInt(scan.from().length)
                .put(scan.from())
                .putInt(scan.to().length)
                .put(scan.to())
                .putInt(scan.fetchLimit())
                .put(entries)
                .array();
    }
}
