package dev.mu2sls.core;

import dev.mu2sls.store.StoreTransaction;
import dev.mu2sls.store.TransactionBody;
import java.util.function.BooleanSupplier;

/**
 * The one store transaction that persists an execution's segment (DESIGN §4): admitted by the
 * execution's deadline (A6) and its request's record (G1, {@link Fence}), then the segment's
 * effect, all or nothing; the store checks the deadline once more at its commit point.
 */
final class SegmentCommit {
    /** What a commit does once admitted: applies the segment, writes its journal and request record. */
    interface Effect<T> {
        /** @param insert whether the request record is to be inserted (see {@link #writeRecord}) */
        SegmentResult<T> apply(StoreTransaction st, boolean insert);
    }

    private final EngineContext ctx;
    private final Invocation invocation;
    private final byte[] requestKey;
    private final byte[] digest;
    private final long deadline;
    /** Identifies this execution in the completion record it writes. */
    private final long token;
    /** What the delivery writes in the request record beside the fence, and the record it expects. */
    private final DeliveryStamp stamp;
    /**
     * The running record the current run of a commit's body wrote (null: none), its journal length
     * and run: the stamp learns them once the commit is done.
     */
    private byte[] written;

    private int writtenLength;
    private RunInfo writtenRun;
    /**
     * The deadline again at the store's commit point (A6): the check in {@link #admit} alone lets
     * a commit through that paused after it, past the expiry of the records that fence it.
     */
    private final BooleanSupplier beforeDeadline = () -> !expired();

    SegmentCommit(
            EngineContext ctx, Invocation invocation, byte[] digest, long deadline, long token, DeliveryStamp stamp) {
        this.ctx = ctx;
        this.stamp = stamp;
        this.invocation = invocation;
        this.requestKey = KeySpace.request(invocation.requestId());
        this.digest = digest;
        this.deadline = deadline;
        this.token = token;
    }

    /**
     * Commits a segment after {@code base} persisted steps. With {@code mayInsert}, the request
     * record of a request with nothing persisted yet is inserted on the first attempt, without the
     * fence read: the insert itself fails if another execution got there first (then the retry
     * reads the record and is fenced or replays). A read of the missing key would make
     * SERIALIZABLE stores lock the gap, and unrelated requests conflict (PostgreSQL's SSI).
     */
    <T> SegmentResult<T> commit(int base, boolean mayInsert, Effect<T> effect) {
        SegmentResult<T> result = ctx.store().transact(new TransactionBody<>() {
            private boolean retried;

            @Override
            public SegmentResult<T> apply(StoreTransaction st) {
                boolean insert = mayInsert && base == 0 && !retried;
                retried = true;
                written = null;
                SegmentResult<T> refused = admit(st, base, insert);
                if (refused != null) {
                    return refused;
                }
                st.commitOnlyIf(beforeDeadline);
                return effect.apply(st, insert);
            }
        });
        if (written != null && result instanceof SegmentResult.Committed) {
            stamp.wrote(written, writtenLength, writtenRun);
        }
        return result;
    }

    /**
     * Writes the request record running with {@code journalLength} steps, after {@code base}
     * persisted ones, at {@code nowMillis}: its last progress.
     */
    void writeRunning(StoreTransaction st, boolean insert, int base, int journalLength, long nowMillis) {
        writtenRun = stamp.next(base);
        writtenLength = journalLength;
        written = RequestRecord.running(digest, journalLength, writtenRun, nowMillis);
        stamp.attempting(written);
        writeRecord(st, insert, written);
    }

    /** The completion record of {@code response} after {@code base} persisted steps, written by this execution. */
    byte[] completionRecord(int base, long completedAtMillis, Response response) {
        return RequestRecord.completed(digest, completedAtMillis, token, false, response, stamp.next(base));
    }

    /** Writes the request record: inserted (see {@link #commit}) or over the one read. */
    void writeRecord(StoreTransaction st, boolean insert, byte[] record) {
        if (insert) {
            st.insert(requestKey, record);
        } else {
            st.put(requestKey, record);
        }
    }

    /** Whether this execution is past its deadline. */
    boolean expired() {
        return Fence.expired(ctx.clockMillis(), deadline);
    }

    /**
     * Why this execution may not persist in {@code st}, or null if it may. The usual case, the
     * record as this execution left it, is an expectation: a store may confirm it with the commit
     * instead of a read (PostgreSQL's batches). An {@code insert} of the record skips the read.
     */
    private <T> SegmentResult<T> admit(StoreTransaction st, int base, boolean insert) {
        if (expired()) {
            return new SegmentResult.Expired<>();
        }
        if (insert || st.holds(requestKey, stamp.expected(base))) {
            return null;
        }
        return Fence.refusal(RequestRecord.decode(requestKey, st.get(requestKey)), invocation, digest, token, base);
    }
}
