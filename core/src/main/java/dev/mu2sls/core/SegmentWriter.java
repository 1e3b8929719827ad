package dev.mu2sls.core;

import dev.mu2sls.store.CommitHold;
import dev.mu2sls.store.StoreTransaction;
import java.util.ArrayList;
import java.util.List;

/**
 * Persists an execution's {@link Segment}s (DESIGN §4): the pending steps with their journal
 * chunk, a sleep's timer, a client request's acceptance record, and at the end the completion
 * record. Every write goes through the execution's {@link SegmentCommit}, so it is fenced by the
 * request record and the deadline (G1, A6); a refused commit stops the execution.
 */
final class SegmentWriter {
    private final EngineContext ctx;
    private final Invocation invocation;
    private final StepLog log;
    private final Segment segment;
    private final SegmentCommit commit;
    private final TransactionSteps transactions;
    /** Other threads' commits held back for the first segment: released once one is persisted. */
    private final CommitHold hold;
    /** Whether this is a client request and whether its acceptance record is written yet. */
    private Acceptance acceptance;

    SegmentWriter(
            EngineContext ctx,
            Invocation invocation,
            StepLog log,
            Segment segment,
            SegmentCommit commit,
            TransactionSteps transactions,
            CommitHold hold,
            Acceptance acceptance) {
        this.ctx = ctx;
        this.invocation = invocation;
        this.log = log;
        this.segment = segment;
        this.commit = commit;
        this.transactions = transactions;
        this.hold = hold;
        this.acceptance = acceptance;
    }

    Acceptance acceptance() {
        return acceptance;
    }

    /** The value of a committed segment; a refused one stops the execution. */
    <T> T accept(SegmentResult<T> result) {
        if (result instanceof SegmentResult.Committed<T> committed) {
            return committed.value();
        }
        throw log.stop(result.stop());
    }

    /**
     * Writes alone what must be durable before a call leaves when no persist precedes it: the
     * acceptance record of a client request's first delivery (the request must then complete),
     * and, for a call that joins the transaction this execution began, the transaction's pending
     * status (its participants only check it).
     */
    void recordBeforeCall(boolean joinsTransaction) {
        boolean announce = joinsTransaction && transactions.needsAnnouncing();
        if (acceptance == Acceptance.PENDING || announce) {
            long now = ctx.clockMillis();
            accept(commit.commit(log.persistedLength(), false, (st, insert) -> {
                recordPendingAcceptance(st);
                if (announce) {
                    transactions.announceIn(st, now);
                }
                return new SegmentResult.Committed<Void>(null);
            }));
            if (acceptance == Acceptance.PENDING) {
                acceptance = Acceptance.RECORDED;
            }
            if (announce) {
                transactions.announced();
            }
        }
    }

    /**
     * A client request's acceptance record goes with its first persisted effect: from then on the
     * request must complete even if no one delivers it again ({@code Engine.recover} re-drives it).
     */
    private void recordPendingAcceptance(StoreTransaction st) {
        if (acceptance == Acceptance.PENDING) {
            st.put(KeySpace.accepted(invocation.requestId()), invocation.encode());
        }
    }

    /** Persists the pending steps and the segment, the request still running. */
    void persistPending() {
        transactions.flushInline(); // the steps may rest on their responses
        ctx.faults().at(CrashPoint.BEFORE_STORE_COMMIT, invocation, log.next());
        int base = log.persistedLength();
        byte[] chunkKey = KeySpace.journalChunk(invocation.requestId(), base);
        long now = ctx.clockMillis();
        accept(commit.commit(base, true, (st, insert) -> {
            transactions.announceIn(st, now); // before the segment's records, which find it
            SegmentResult<Void> applied = applySegment(st, now);
            if (applied instanceof SegmentResult.Committed) {
                writeJournal(st, insert, base, chunkKey, null, now);
            }
            return applied;
        }));
        transactions.announced();
        segment.cacheCommitted(ctx.store().stateCache());
        transactions.recordedProvisionally(segment.writes().keySet(), segment.recorded());
        transactions.segmentPersisted();
        segmentPersisted(chunkKey, List.of());
        ctx.faults().at(CrashPoint.AFTER_STORE_COMMIT, invocation, log.next());
    }

    /** Persists the pending steps with a sleep's timer, which replaces the acceptance record. */
    void persistSuspended() {
        transactions.flushInline();
        acceptance = Acceptance.RECORDED; // the segment deletes the record instead of writing it
        if (!log.pending().isEmpty()) {
            persistPending();
            return;
        }
        // A replayed sleep not yet due: the timer alone. No chunk: one that left the journal length
        // as it was would escape the fence, and an execution completing meanwhile would leave it behind.
        long now = ctx.clockMillis();
        accept(commit.commit(log.persistedLength(), false, (st, insert) -> applySegment(st, now)));
        transactions.recordedProvisionally(segment.writes().keySet(), segment.recorded());
        hold.release();
        segment.clear();
        transactions.segmentPersisted();
    }

    /**
     * Writes the pending steps, and {@code last} after them if not null, as the journal chunk
     * {@code chunkKey}, and the request record running with them, persisted at {@code nowMillis}.
     */
    void writeJournal(
            StoreTransaction st, boolean insert, int base, byte[] chunkKey, JournalEntry last, long nowMillis) {
        List<JournalEntry> entries = log.pending();
        if (last != null) {
            entries = new ArrayList<>(entries);
            entries.add(last);
        }
        st.put(chunkKey, JournalCodec.encode(entries));
        commit.writeRunning(st, insert, base, base + entries.size(), nowMillis);
        recordPendingAcceptance(st);
    }

    void segmentPersisted(byte[] chunkKey, List<JournalEntry> extra) {
        hold.release();
        if (acceptance == Acceptance.PENDING) {
            acceptance = Acceptance.RECORDED;
        }
        log.persisted(chunkKey, extra);
        segment.clear();
    }

    private SegmentResult<Void> applySegment(StoreTransaction st, long now) {
        if (transactions.missesInlineWrites()) {
            TxWrites.abortIfOpen(st, transactions.joinedId(), now); // its records, if written, would not
        }
        return segment.persist(
                        st,
                        transactions.joinedId(),
                        invocation.requestId(),
                        log.persistedLength(),
                        ctx.store().stateCache(),
                        now)
                ? new SegmentResult.Committed<>(null)
                : new SegmentResult.Conflict<>();
    }

    /** Records {@code response} as the request's, with the last segment, and returns it. */
    Response complete(Response response) {
        ctx.faults().at(CrashPoint.BEFORE_COMPLETE, invocation, log.next());
        InlineParticipants.Call inline = transactions.inlineCompletion();
        // A read-only participant persists as before: a transaction whose reads one segment
        // recorded commits without validating them again (W6's audit), which inline reads would lose.
        if (inline != null
                && acceptance == Acceptance.NONE
                && !segment.writes().isEmpty()
                && log.onlyPendingStateSteps()
                && completedInline(inline, response)) {
            ctx.faults().at(CrashPoint.AFTER_COMPLETE, invocation, log.next());
            return response;
        }
        transactions.flushInline(); // the response may rest on their writes
        int base = log.persistedLength();
        long completedAt = ctx.clockMillis();
        byte[] record = commit.completionRecord(base, completedAt, response);
        SegmentResult<Void> completed = commit.commit(base, true, (st, insert) -> {
            SegmentResult<Void> applied = applySegment(st, completedAt);
            if (applied instanceof SegmentResult.Committed) {
                for (byte[] chunkKey : log.chunkKeys()) {
                    st.delete(chunkKey);
                }
                if (acceptance == Acceptance.RECORDED) {
                    st.delete(KeySpace.accepted(invocation.requestId())); // no longer needs recovery
                }
                commit.writeRecord(st, insert, record);
            }
            return applied;
        });
        if (!(completed instanceof SegmentResult.AlreadyCompleted)) {
            accept(completed);
            transactions.recordedProvisionally(segment.writes().keySet(), segment.recorded());
        }
        segment.cacheCommitted(ctx.store().stateCache());
        transactions.segmentPersisted();
        if (ctx.listener() != ExecutionListener.NONE) {
            ctx.listener().completed(invocation.requestId(), log.all());
        }
        ctx.faults().at(CrashPoint.AFTER_COMPLETE, invocation, log.next());
        return response;
    }

    /**
     * Leaves {@code response}, with the segment, for the coordinator's commit to record
     * ({@link InlineParticipants}): nothing is written now. Like a persisted participant's, the
     * segment's writes go to the state cache as the commit's likely outcome.
     *
     * @return false if inlining ended for the transaction meanwhile (the segment is to be persisted)
     */
    private boolean completedInline(InlineParticipants.Call inline, Response response) {
        byte[] record = commit.completionRecord(0, ctx.clockMillis(), response);
        if (!inline.owner.offer(
                inline,
                new InlineParticipants.Completion(
                        invocation.requestId(),
                        record,
                        segment,
                        response.toBytes(),
                        ctx.listener() == ExecutionListener.NONE ? List.of() : log.all(), // for the listener alone
                        commit))) {
            return false; // inlining ended meanwhile: it persists as any participant
        }
        segment.cacheCommitted(ctx.store().stateCache());
        hold.release();
        transactions.segmentPersisted();
        return true;
    }
}
