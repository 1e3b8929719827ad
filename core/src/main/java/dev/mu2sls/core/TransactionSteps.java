package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.TransactionAbortedException;
import dev.mu2sls.TransactionConflictException;
import dev.mu2sls.spi.TransactionHandle;
import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Keys;
import dev.mu2sls.store.StoreTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An execution's transaction steps (DESIGN §4, "Transactions"): begin, commit and abort of one it
 * began, the abort of one it joined as a participant, and which transaction its state operations
 * and calls join. Ending a transaction is one segment commit with the buffered segment.
 */
final class TransactionSteps {
    /** How a transaction this execution began ended, and the state writes a commit applied. */
    private record Ended(TxOutcome outcome, Map<byte[], byte[]> applied) {}

    private final Execution execution;
    private final EngineContext ctx;
    private final StepLog log;
    private final Segment segment;
    /**
     * The transaction this execution's state operations join: one it began (until it ends), or
     * the caller's (for the whole run, even after an abort, so that nothing after it applies).
     * While set, the segment's reads and writes are the transaction's, not the state's.
     */
    private TxContext tx;
    /** The {@link WriteIntents} writer id of this request's writes outside a transaction. */
    private final String segmentWriter;
    /** Whether this execution has writes outside a transaction not yet persisted. */
    private boolean writingSegment;
    /** State keys this participant wrote into its transaction in a persisted segment: their W records exist. */
    private final TreeSet<byte[]> writtenProvisionally = new TreeSet<>(Keys.ORDER);
    /** Whether this execution began the open transaction afresh: it ends what is known of it here. */
    private boolean beganFreshHere;
    /** The participants of the transaction this execution began that completed inline; null: none may. */
    private InlineParticipants inline;

    TransactionSteps(Execution execution, EngineContext ctx, StepLog log, Segment segment) {
        this.execution = execution;
        this.ctx = ctx;
        this.log = log;
        this.segment = segment;
        this.segmentWriter = WriteIntents.segmentOf(execution.invocation().requestId());
        String joined = execution.invocation().transactionId();
        if (joined != null && ctx.mode() == Mode.FULL) {
            this.tx = TxContext.joined(joined);
            ctx.records().serving(joined, execution.invocation().requestId());
            InlineParticipants.Call call = inlineCallToThis();
            if (call != null) {
                call.owner.calleeStarted(call);
            }
        }
    }

    /**
     * The coordinator's call that an in-process call to {@code call} is, synchronous or not, if its
     * callee may complete inline ({@link InlineParticipants}): this execution began the open
     * transaction afresh here, every call in it was served here, and the platform delivers this
     * one on the calling thread.
     */
    InlineParticipants.Call inlineCall(Invocation call) {
        if (inline == null
                || tx == null
                || !tx.isOpen()
                || !ctx.inProcessCalls().test(call)) {
            return null;
        }
        InlineParticipants.Call inlineCall =
                inline.call(call.requestId(), ctx.records().allIfServedHere(tx.id, call.requestId()));
        if (inlineCall != null) {
            ctx.records().serving(tx.id, call.requestId()); // delivered here, on this thread or the sender's
        }
        return inlineCall;
    }

    /** The call to {@code call} returned {@code response}: its callee's inline completion is the transaction's. */
    void adopt(InlineParticipants.Call call, Response response) {
        call.owner.adopt(call, response, ctx);
    }

    /**
     * The call this participant runs under, if it may complete inline: it runs on the thread its
     * coordinator's call is bound to.
     */
    InlineParticipants.Call inlineCompletion() {
        return participates() && tx.isOpen() ? inlineCallToThis() : null;
    }

    /** The coordinator's call seen on this thread, if it is the call to this very request. */
    private InlineParticipants.Call inlineCallToThis() {
        InlineParticipants.Call call = callSeen();
        return call != null
                        && call.calleeRequestId.equals(execution.invocation().requestId())
                ? call
                : null;
    }

    /** The inline participants of the transaction this execution runs in, where it can see them; else null. */
    private InlineParticipants inlineParticipants() {
        if (inline != null) {
            return inline;
        }
        InlineParticipants.Call call = callSeen();
        return call == null ? null : call.owner;
    }

    /** The coordinator's call this participant runs under, on this thread; else null. */
    private InlineParticipants.Call callSeen() {
        if (participates() && InlineParticipants.CURRENT.isBound()) {
            InlineParticipants.Call call = InlineParticipants.CURRENT.get();
            return call.owner.txId().equals(tx.id) ? call : null;
        }
        return null;
    }

    /** The completions of inline participants this execution sees: all adopted, or those its call saw. */
    private List<InlineParticipants.Completion> inlineSeen() {
        if (inline != null) {
            return inline.adoptedSoFar();
        }
        InlineParticipants.Call call = callSeen();
        return call == null ? List.of() : call.visible;
    }

    /**
     * Whether records this execution writes into its transaction now would miss the writes of
     * participants that completed inline in another execution here (a timed-out participant's
     * successor, a duplicate of the coordinator): then it marks the transaction aborted instead.
     */
    boolean missesInlineWrites() {
        String txId = joinedId();
        return txId != null && ctx.records().inlinePendingBeyond(txId, inlineParticipants());
    }

    /** The transaction's latest write of state {@code key} by a participant that completed inline, or null. */
    Write inlineWrite(byte[] key) {
        if (inline != null) {
            return inline.written(key);
        }
        InlineParticipants.Call call = callSeen();
        return call == null ? null : call.written(key);
    }

    /** The transaction's writes to keys in {@code [from, to)} by participants that completed inline. */
    Map<byte[], Write> inlineWritesIn(byte[] from, byte[] to) {
        List<InlineParticipants.Completion> seen = inlineSeen();
        return seen.isEmpty() ? Map.of() : InlineParticipants.writtenIn(seen, from, to);
    }

    /**
     * Records the transaction's inline participants as they would have recorded themselves, before
     * something of this execution becomes durable or leaves it ({@link InlineParticipants}).
     */
    void flushInline() {
        flushInline(false);
    }

    /**
     * {@link #flushInline()}; {@code leaving}: something leaves the process (a call over HTTP, an
     * effect), and no participant of the transaction completes inline any more.
     */
    void flushInline(boolean leaving) {
        settleDuplicates();
        InlineParticipants participants = inlineParticipants();
        if (participants != null && !participants.flush(ctx, inlineSeen(), leaving)) {
            throw log.stop(new ControlFlow.Expired());
        }
    }

    /**
     * In a participant of a transaction coordinated here: from now on no execution of its request
     * completes inline, and one whose completion is pending is recorded first, so that this one
     * answers as it did ({@link CoordinatedRecords#persisting}).
     */
    private void settleDuplicates() {
        if (participates()) {
            InlineParticipants.Call pending =
                    ctx.records().persisting(tx.id, execution.invocation().requestId(), callSeen());
            if (pending != null) {
                pending.owner.settle(ctx);
            }
        }
    }

    /** The id of the transaction state operations and calls join, or null (none, or a no-op one). */
    String joinedId() {
        return tx == null || tx.kind == TxContext.Kind.NOOP ? null : tx.id;
    }

    /**
     * Whether a read of {@code key}, cached, may assume the transaction has no provisional write
     * of it: in a participant, unless one of its own persisted segments wrote one (a participant's
     * keys are seldom another participant's; the persist checks the assumption).
     */
    boolean mayAssumeNoProvisionalWrite(byte[] key) {
        return participates() && !writtenProvisionally.contains(key);
    }

    /**
     * A segment just persisted with writes of {@code keys}, and wrote {@code records} into the
     * transaction this execution runs in, if any: in a participant, its keys have records now;
     * where the transaction is coordinated here, its end expects the records.
     */
    void recordedProvisionally(Set<byte[]> keys, List<KeyValue> records) {
        if (participates()) {
            writtenProvisionally.addAll(keys);
        }
        if (!records.isEmpty()) {
            ctx.records().recorded(tx.id, records);
            InlineParticipants participants = inlineParticipants();
            if (participants != null) {
                participants.recordedHere(records); // on a thread bound to their calls: it saw their writes
            }
        }
    }

    /**
     * This execution writes state {@code key}: if into a transaction coordinated in another process,
     * a later read of the key here waits for that transaction's end ({@link RemoteTransactionWrites}),
     * from now on, since the value read until then is the one the commit will replace.
     */
    void writing(byte[] key) {
        String txId = joinedElsewhereCoordinated();
        if (txId != null) {
            ctx.remoteWrites().wrote(txId, key);
        }
    }

    /** The transaction this execution joined, if coordinated in another process; else null. */
    String joinedElsewhereCoordinated() {
        return participates() && !ctx.records().coordinates(tx.id) ? tx.id : null;
    }

    /** Whether this execution joined its caller's transaction (in full mode). */
    private boolean participates() {
        return tx != null && tx.kind == TxContext.Kind.JOINED;
    }

    /** The open transaction, or null. */
    TxContext open() {
        return tx != null && tx.isOpen() ? tx : null;
    }

    /**
     * Whether the transaction this execution began has no pending status written yet, which a
     * call joining it must find: its participants then only check the status, and never race
     * each other to create it.
     */
    boolean needsAnnouncing() {
        return tx != null && tx.needsAnnouncing();
    }

    /** Writes, in {@code st}, the pending status of the transaction {@link #needsAnnouncing}. */
    void announceIn(StoreTransaction st, long nowMillis) {
        if (needsAnnouncing()) {
            TxWrites.announce(st, tx.id, nowMillis);
        }
    }

    /** A store transaction that {@link #announceIn announced} the open transaction committed. */
    void announced() {
        if (needsAnnouncing()) {
            tx.announced();
        }
    }

    /** The async call made at {@code step} was awaited: it no longer holds back a commit. */
    void awaited(int step) {
        if (tx != null) {
            tx.unawaited.remove(step);
        }
    }

    TransactionHandle begin() {
        log.rethrowIfStopped();
        if (tx != null && tx.isOpen()) {
            return tx; // flat nesting: join the open transaction
        }
        if (tx != null) {
            throw new IllegalStateException(execution.where() + " runs inside " + tx
                    + ", which was aborted; it cannot begin another transaction");
        }
        if (ctx.mode() != Mode.FULL) {
            tx = TxContext.noop(execution.invocation().requestId() + "/" + log.next());
            return tx;
        }
        int s = log.begin(JournalEntry.Op.TX_BEGIN, StepLog.NO_TARGET);
        boolean fresh = log.replayed(s) == null;
        if (fresh) {
            if (segment.touchesState()) {
                execution
                        .persistence()
                        .persistPending(); // what the request did before the transaction is not part of it
            }
            log.buffer(new JournalEntry(s, JournalEntry.Op.TX_BEGIN, StepLog.NO_TARGET, null));
        }
        tx = TxContext.owned(execution.invocation().requestId() + "/" + s);
        ctx.intents().began(tx.id);
        if (fresh) {
            ctx.records().began(tx.id); // a replayed one has records its earlier executions wrote
            beganFreshHere = true;
            if (execution.firstOfFirstDelivery()) {
                // An earlier execution may have called the same callees, and one may have recorded
                // its completion (a stop flushes them) without this execution's begin persisting: a
                // callee completing inline is never fenced by its record, so it would answer anew.
                inline = new InlineParticipants(tx.id, ctx.records());
            }
        }
        return tx;
    }

    void commit(TransactionHandle handle) {
        TxContext t = ownOpen(handle, "commit");
        switch (t.kind) {
            case NOOP -> end(t);
            case JOINED -> {} // flat nesting: the outermost transaction commits
            case OWNED -> {
                if (!t.unawaited.isEmpty()) {
                    throw new IllegalStateException(
                            "cannot commit " + t + ": the calls made at steps " + t.unawaited
                                    + " inside it were never awaited; await every call made in a transaction before committing");
                }
                switch (finish(t, JournalEntry.Op.TX_COMMIT)) {
                    case COMMITTED -> ctx.timers().transactionCommitted();
                    case CONFLICT ->
                        throw new TransactionConflictException(
                                t.id,
                                t
                                        + " conflicted with a concurrent commit and was not applied; run it again (Transaction.run does)");
                    case ABORTED_BY_PARTICIPANT ->
                        throw new TransactionAbortedException(
                                t.id, t + " was aborted by a service called inside it; nothing it wrote was applied");
                    case ABORTED -> throw new IllegalStateException("commit of " + t + " ended as an abort");
                }
            }
        }
    }

    void abort(TransactionHandle handle) {
        TxContext t = ownOpen(handle, "abort");
        switch (t.kind) {
            case NOOP -> end(t); // transactions are off: nothing can be undone
            case JOINED -> abortAsParticipant(t);
            case OWNED -> {
                if (finish(t, JournalEntry.Op.TX_ABORT) == TxOutcome.CONFLICT) {
                    throw new TransactionConflictException(
                            t.id,
                            t + " read data that changed before it aborted, so "
                                    + "the decision to abort may rest on stale reads; run it again (Transaction.run does)");
                }
            }
        }
    }

    /**
     * Aborts the transaction the handler began and returned without ending.
     *
     * @return its id, or null if none was left open
     */
    String abortLeftOpen() {
        if (tx == null || tx.kind != TxContext.Kind.OWNED || !tx.isOpen()) {
            return null;
        }
        String id = tx.id;
        try {
            abort(tx);
        } catch (TransactionConflictException ignored) {
            // aborted either way
        }
        return id;
    }

    /**
     * Who this execution's state writes belong to for {@link WriteIntents}: the transaction it
     * joined or began, or else its request's unpersisted writes (begun here).
     */
    String intentWriter() {
        String txId = joinedId();
        if (txId != null) {
            return txId;
        }
        if (!writingSegment) {
            writingSegment = true;
            ctx.intents().beginSegment(segmentWriter);
        }
        return segmentWriter;
    }

    /** Who this execution's reads wait as: its transaction, or its request's writes outside one. */
    String intentReader() {
        String txId = joinedId();
        return txId != null ? txId : segmentWriter;
    }

    /** The buffered segment persisted and its writes are in the state cache: readers of them read now. */
    void segmentPersisted() {
        if (writingSegment) {
            writingSegment = false;
            ctx.intents().ended(segmentWriter);
        }
    }

    /**
     * The execution stops (returned, failed, or stopped by a crash or a replay): readers waiting
     * for the writes of a transaction it began and left open, or of its unpersisted segment, need
     * not wait any longer.
     */
    void stopped() {
        if (inline != null) {
            inline.stop(ctx); // a re-run within the delivery may take their responses as they are
        }
        if (tx != null && tx.kind == TxContext.Kind.OWNED && tx.isOpen()) {
            ctx.intents().ended(tx.id);
            endRecords(tx.id);
        }
        segmentPersisted();
    }

    private TxContext ownOpen(TransactionHandle handle, String action) {
        log.rethrowIfStopped();
        if (handle != tx || tx == null) {
            throw new IllegalStateException("cannot " + action + " " + handle + ": it is not the transaction open in "
                    + execution.where() + " (a transaction belongs to the execution that began it)");
        }
        if (!tx.isOpen()) {
            throw new IllegalStateException(
                    "cannot " + action + " " + tx + ": it already ended; commit or abort a transaction once");
        }
        return tx;
    }

    private void end(TxContext t) {
        t.close();
        if (t.kind != TxContext.Kind.JOINED) {
            tx = null;
        }
    }

    /**
     * Commits or aborts the transaction this execution began, in one segment commit with the
     * buffered segment and the journal entry of the outcome.
     */
    private TxOutcome finish(TxContext t, JournalEntry.Op op) {
        byte[] target = t.id.getBytes(UTF_8);
        int s = log.begin(op, target);
        JournalEntry recorded = log.replayed(s);
        TxOutcome outcome;
        if (recorded != null) {
            outcome = TxOutcome.of(recorded.value()[0]);
        } else {
            Invocation invocation = execution.invocation();
            ctx.faults().at(CrashPoint.BEFORE_STORE_COMMIT, invocation, s);
            int base = log.persistedLength();
            byte[] chunkKey = KeySpace.journalChunk(invocation.requestId(), base);
            long now = ctx.clockMillis();
            long started = System.nanoTime();
            List<KeyValue> expectedRecords = ctx.records().expected(t.id);
            List<InlineParticipants.Completion> inlined = new ArrayList<>();
            boolean[] retried = {false};
            Ended ended = execution
                    .persistence()
                    .accept(execution.segmentCommit().commit(base, false, (st, insert) -> {
                        Map<byte[], byte[]> applied = new TreeMap<>(Keys.ORDER);
                        boolean firstAttempt = !retried[0];
                        retried[0] = true;
                        inlined.clear();
                        TxOutcome decided = TxWrites.finish(
                                st,
                                t.id,
                                op == JournalEntry.Op.TX_COMMIT,
                                segment,
                                expectedRecords,
                                inlineCommit(st, firstAttempt),
                                now,
                                applied,
                                inlined);
                        execution
                                .persistence()
                                .writeJournal(
                                        st,
                                        false,
                                        base,
                                        chunkKey,
                                        new JournalEntry(s, op, target, decided.journalValue()),
                                        now);
                        return new SegmentResult.Committed<>(new Ended(decided, applied));
                    }));
            outcome = ended.outcome();
            if (outcome == TxOutcome.CONFLICT) {
                segment.reads().forEach(read -> ctx.store().stateCache().forget(read.key())); // one of them was stale
            }
            if (inline != null) {
                inline.committed(inlined, ctx);
            }
            inlineEnded(inlined, outcome);
            ended.applied().forEach(ctx.store().stateCache()::committed);
            execution
                    .persistence()
                    .segmentPersisted(chunkKey, List.of(new JournalEntry(s, op, target, outcome.journalValue())));
            ctx.transactionEnded(invocation, t.id, s, outcome, started);
            ctx.faults().at(CrashPoint.AFTER_STORE_COMMIT, invocation, s);
        }
        ctx.intents().ended(t.id); // after the state cache took its writes: a waiting reader finds them
        if (inline != null) {
            inline.close();
            inline = null;
        }
        endRecords(t.id);
        end(t);
        return outcome;
    }

    private void endRecords(String txId) {
        if (beganFreshHere) {
            beganFreshHere = false;
            ctx.records().ended(txId);
        }
    }

    /** What the commit's attempt records of the transaction's inline participants. */
    private TxWrites.Inline inlineCommit(StoreTransaction st, boolean firstAttempt) {
        if (inline == null || !inline.checksCoherence()) {
            return TxWrites.Inline.NONE;
        }
        List<InlineParticipants.Completion> adopted = inline.adoptedUnrecorded();
        return new TxWrites.Inline(
                adopted,
                inline.coherentRecords(),
                firstAttempt,
                !firstAttempt && InlineParticipants.recordedElsewhere(st, adopted));
    }

    /**
     * The commit recorded the inline participants' completions: each is reported complete; where
     * their writes were not applied, the state cache forgets them (it took them as the likely
     * outcome), and after a conflict what they read too.
     */
    private void inlineEnded(List<InlineParticipants.Completion> recorded, TxOutcome outcome) {
        StateCache cache = ctx.store().stateCache();
        for (InlineParticipants.Completion participant : recorded) {
            ctx.listener().completed(participant.requestId, participant.journal);
            if (outcome != TxOutcome.COMMITTED) {
                participant.segment.forgetCached(cache);
            }
            if (outcome == TxOutcome.CONFLICT) {
                participant.segment.reads().forEach(read -> cache.forget(read.key()));
            }
        }
    }

    /**
     * A participant's abort: the whole transaction is marked aborted; the coordinator's commit will
     * fail. Its segment's reads are validated first, as any persist's, since the abort may depend on
     * them.
     */
    private void abortAsParticipant(TxContext t) {
        byte[] target = t.id.getBytes(UTF_8);
        int s = log.begin(JournalEntry.Op.TX_ABORT, target);
        if (log.replayed(s) == null) {
            Invocation invocation = execution.invocation();
            ctx.faults().at(CrashPoint.BEFORE_STORE_COMMIT, invocation, s);
            int base = log.persistedLength();
            byte[] chunkKey = KeySpace.journalChunk(invocation.requestId(), base);
            long now = ctx.clockMillis();
            JournalEntry entry =
                    new JournalEntry(s, JournalEntry.Op.TX_ABORT, target, TxOutcome.ABORTED.journalValue());
            flushInline(); // the abort may rest on their writes
            execution.persistence().accept(execution.segmentCommit().commit(base, false, (st, insert) -> {
                // the abort may rest on the segment's reads, cached or assumed: a stale one replays it
                if (!segment.readsHold(st, ctx.store().stateCache()::stale)) {
                    return new SegmentResult.Conflict<Void>();
                }
                TxWrites.abortByParticipant(st, t.id, now);
                execution.persistence().writeJournal(st, false, base, chunkKey, entry, now);
                return new SegmentResult.Committed<Void>(null);
            }));
            execution.persistence().segmentPersisted(chunkKey, List.of(entry));
            ctx.faults().at(CrashPoint.AFTER_STORE_COMMIT, invocation, s);
        }
        end(t);
    }
}
