package dev.mu2sls.core;

import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Keys;
import dev.mu2sls.store.StoreTransaction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The participants of a transaction this engine coordinates that ran in-process, on the
 * coordinator's thread, and whose completion waits for the transaction's end: their reads are
 * validated and their writes applied by the coordinator's commit itself, with their completion
 * records, so they write no provisional records and need no store transaction of their own.
 *
 * <p>Until then nothing of theirs is durable, so nothing that could depend on them may become
 * durable or leave the process first. Every persist of an execution in the transaction on this
 * thread, every call that does not stay in-process, every effect, send and sleep first
 * <em>flushes</em> them: each is recorded as the participant would have recorded itself
 * (provisional writes, read records, completion record). When the coordinating execution stops
 * they are flushed too, since a re-run within the delivery takes an async call's response as it
 * is; a process that dies loses them with the coordinator's call steps, which are re-run (a call
 * is reproducible only once its callee's completion is durable). A flush that cannot record one
 * marks the transaction aborted, so its commit conflicts and {@code Transaction.run} runs the body
 * again; every completion its coordinator heard is then recorded alone, its writes never applied,
 * as a participant of an aborted transaction stays completed ({@link #doom}).
 *
 * <p>Duplicates of a participant's request answer alike: a completion left pending excludes every
 * other execution of the request here from recording first ({@link CoordinatedRecords#claimInline}),
 * and one about to persist records the pending completion first ({@link #settle}), then finds
 * its request completed. Nothing waits for the coordinator, so a timed-out participant's
 * successor never waits for its zombie.
 *
 * <p>Their writes are visible only on this thread ({@link #written}). So the transaction's
 * records must all be <em>coherent</em> with them: written before the first call that could
 * complete inline, by a flush, or by an execution on this thread. A record written otherwise (a
 * timed-out participant's successor on another thread, a duplicate of the coordinator) may have
 * missed their writes: a flush or commit that finds one refuses, and the transaction conflicts.
 * A call that leaves the process (over HTTP) ends inlining for the transaction after flushing
 * (with the completions of calls still in flight): its records are then of the kind every
 * participant sees.
 *
 * <p>Only a leaf participant that wrote state qualifies (state steps and drawn values, nothing
 * persisted, no call, effect, send or sleep), called by the coordinator, synchronously or
 * asynchronously, while its transaction is the one begun afresh here and every call in it was
 * served here, through a transport that delivers the call in-process
 * ({@code Engine.Builder.inProcessCalls}). A read-only participant persists as before, so that
 * a transaction whose reads one segment recorded still commits without validating them again.
 *
 * <p>A synchronous call's callee runs on the coordinator's thread; an asynchronous one's on the
 * thread that sends it, with the call bound there. Each call sees the completions adopted before
 * it was made ({@link Call#visible}), as it would have seen their records, and a participant that
 * persists records first the completions it saw. A completion is recorded once, by whoever comes
 * first: the coordinator's commit, its flush, or a participant's.
 *
 * <p>Only the first execution of the coordinator's first delivery has one: a callee completing
 * inline never reads its request record, and an earlier execution may have had its completion
 * recorded (a stop flushes them). A re-execution or duplicate of the coordinator calls its
 * participants as before, so it never commits a participant's run whose response it did not see.
 */
final class InlineParticipants {
    /** The call whose callee runs on this thread, while it runs. */
    static final ScopedValue<Call> CURRENT = ScopedValue.newInstance();

    private final String txId;
    private final CoordinatedRecords records;
    /** Guarded by this: the coordinator adopts, participants on other threads flush and record. */
    private final List<Completion> adopted = new ArrayList<>();

    private final Set<Call> inFlight = new HashSet<>();
    /** The records the transaction has as far as this coordinator's view goes; null until the first inline call. */
    private TreeMap<byte[], byte[]> coherent;
    /** Whether no participant completes inline any more: a call left the process, or the transaction ended. */
    private boolean closed;
    /** Whether adopted completions are not all recorded (see {@link CoordinatedRecords#inlinePending}). */
    private boolean pending;

    InlineParticipants(String txId, CoordinatedRecords records) {
        this.txId = txId;
        this.records = records;
    }

    /** A participant's completion waiting for the transaction's end, recorded once. */
    static final class Completion {
        final String requestId;
        /** Its completion record, as it would have written it. */
        final byte[] record;

        final Segment segment;
        /** Its response, encoded, as its caller received it. */
        final byte[] response;
        /** Its steps, for the execution listener once the completion is durable. */
        final List<JournalEntry> journal;
        /** Its segment commit, fenced by its own request record, for a flush. */
        final SegmentCommit commit;

        private boolean recorded;

        Completion(
                String requestId,
                byte[] record,
                Segment segment,
                byte[] response,
                List<JournalEntry> journal,
                SegmentCommit commit) {
            this.requestId = requestId;
            this.record = record;
            this.segment = segment;
            this.response = response;
            this.journal = journal;
            this.commit = commit;
        }

        byte[] requestKey() {
            return KeySpace.request(requestId);
        }
    }

    /** A coordinator's call to {@code calleeRequestId}, whose callee may complete inline. */
    static final class Call {
        final InlineParticipants owner;
        final String calleeRequestId;
        /** The completions adopted before the call was made: what its callee sees. */
        final List<Completion> visible;

        private boolean calleeRan;
        private Completion offered;

        private Call(InlineParticipants owner, String calleeRequestId, List<Completion> visible) {
            this.owner = owner;
            this.calleeRequestId = calleeRequestId;
            this.visible = visible;
        }

        /** The visible write of state {@code key}, or null. */
        Write written(byte[] key) {
            return InlineParticipants.written(visible, key);
        }
    }

    String txId() {
        return txId;
    }

    /**
     * A call to {@code calleeRequestId} whose callee may complete inline, or null when none may
     * any more; {@code records} are the transaction's (all written here), taken as coherent at the
     * first such call.
     */
    synchronized Call call(String calleeRequestId, List<KeyValue> records) {
        if (closed || records == null) {
            return null;
        }
        if (coherent == null) {
            coherent = new TreeMap<>(Keys.ORDER);
            records.forEach(record -> coherent.put(record.key(), record.value()));
        }
        Call call = new Call(this, calleeRequestId, List.copyOf(adopted));
        inFlight.add(call);
        return call;
    }

    /** The callee of {@code call} starts (again): an earlier attempt's completion is not its answer. */
    synchronized void calleeStarted(Call call) {
        call.calleeRan = true;
        call.offered = null;
    }

    /**
     * Leaves {@code completion} for the transaction's end; false if no longer possible (it
     * persists itself): inlining ended, or another execution of its request here persisted or
     * left its completion pending ({@link CoordinatedRecords#claimInline}).
     */
    synchronized boolean offer(Call call, Completion completion) {
        if (closed || !inFlight.contains(call) || !records.claimInline(txId, call)) {
            return false;
        }
        call.offered = completion;
        return true;
    }

    /**
     * Keeps the completion the callee offered if it is the response the coordinator received:
     * another's (a zombie's whose successor answered) is dropped, never durable. A call that was
     * delivered elsewhere after all may have missed the writes adopted so far: the transaction is
     * marked aborted, since they cannot be recorded before it any more.
     */
    synchronized void adopt(Call call, Response received, EngineContext ctx) {
        if (!inFlight.remove(call)) {
            return; // closed meanwhile: its completion was recorded then, or never offered
        }
        if (!call.calleeRan) {
            if (!unrecorded().isEmpty()) {
                doom(ctx);
            }
            close();
            return;
        }
        Completion offered = call.offered;
        // One recorded meanwhile (a duplicate settled it) is adopted too: later calls read its writes.
        if (offered != null && Arrays.equals(offered.response, received.toBytes())) {
            adopted.add(offered);
            if (!offered.recorded) {
                pending(true); // others' records written from now on would miss them
            }
        }
    }

    private void pending(boolean now) {
        if (pending != now) {
            pending = now;
            records.inlinePending(txId, this, now);
        }
    }

    /** Whether the commit must find exactly the {@link #coherentRecords}: a participant may have completed inline. */
    synchronized boolean checksCoherence() {
        return coherent != null && !closed;
    }

    /** The records the transaction should have, in key order. */
    synchronized List<KeyValue> coherentRecords() {
        List<KeyValue> all = new ArrayList<>(coherent.size());
        coherent.forEach((key, value) -> all.add(new KeyValue(key, value)));
        return all;
    }

    /** A participant that saw this coordinator's completions (or a flush) wrote {@code written} into the transaction. */
    synchronized void recordedHere(List<KeyValue> written) {
        if (coherent != null) {
            written.forEach(record -> coherent.put(record.key(), record.value()));
        }
    }

    /** The adopted completions not yet recorded, in the order adopted. */
    synchronized List<Completion> adoptedUnrecorded() {
        return adopted.stream().filter(completion -> !completion.recorded).toList();
    }

    /**
     * The coordinator's commit recorded {@code completions}, and the transaction ended; those it
     * could not (records they did not see) are recorded alone, since their callers heard them.
     */
    synchronized void committed(List<Completion> completions, EngineContext ctx) {
        completions.forEach(completion -> completion.recorded = true);
        if (unrecorded().isEmpty()) {
            close();
        } else {
            doom(ctx);
        }
    }

    /**
     * Another execution of a participant whose completion is pending here is about to persist:
     * every completion pending here is recorded first, so that it finds its request completed
     * and answers as the one its coordinator heard. Nothing waits for the coordinator.
     */
    synchronized void settle(EngineContext ctx) {
        recordHeard(ctx);
        endPendingIfAllRecorded();
    }

    /** Records every completion heard: as its participant would have, else (past a deadline) alone. */
    private void recordHeard(EngineContext ctx) {
        if (!flushAll(ctx, unrecorded())) {
            doom(ctx);
        }
    }

    /** No record written from now on misses their writes once every adopted completion is recorded. */
    private void endPendingIfAllRecorded() {
        if (adopted.stream().allMatch(completion -> completion.recorded)) {
            pending(false);
        }
    }

    /** The completions heard by this coordinator and not yet recorded: adopted, and offered by calls in flight. */
    private List<Completion> unrecorded() {
        List<Completion> heard = new ArrayList<>(adopted);
        for (Call call : inFlight) {
            if (call.offered != null) {
                heard.addAll(call.visible);
                heard.add(call.offered);
            }
        }
        return heard.stream()
                .distinct()
                .filter(completion -> !completion.recorded)
                .toList();
    }

    /**
     * Ends inlining: no more calls, offers or adoptions. Every completion heard is recorded by
     * then (by the commit, a flush or {@link #doom}); one offered and not heard (its call
     * answered otherwise) is never durable.
     */
    synchronized void close() {
        closed = true;
        inFlight.clear();
        adopted.clear();
        pending(false);
    }

    /**
     * The coordinating execution stops: its completions are recorded, adopted ones and those
     * offered by calls still in flight, since a re-run within the delivery takes an async call's
     * response as it is ({@link AsyncCalls}).
     */
    synchronized void stop(EngineContext ctx) {
        try {
            recordHeard(ctx);
        } finally {
            close();
        }
    }

    /** The latest adopted write of state {@code key}, or null. */
    synchronized Write written(byte[] key) {
        return written(adopted, key);
    }

    private static Write written(List<Completion> completions, byte[] key) {
        for (int i = completions.size() - 1; i >= 0; i--) {
            Write write = completions.get(i).segment.written(key);
            if (write != null) {
                return write;
            }
        }
        return null;
    }

    /** The writes of {@code completions} to keys in {@code [from, to)}, later ones over earlier ones. */
    static Map<byte[], Write> writtenIn(List<Completion> completions, byte[] from, byte[] to) {
        Map<byte[], Write> writes = new TreeMap<>(Keys.ORDER);
        for (Completion completion : completions) {
            writes.putAll(completion.segment.writtenIn(from, to));
        }
        return writes;
    }

    synchronized List<Completion> adoptedSoFar() {
        return List.copyOf(adopted);
    }

    /**
     * Records, in order, the completions of {@code seen} (those adopted, for the coordinator; a
     * call's visible ones, for its callee) not yet recorded, as their participants would have (see
     * the class comment). One that cannot be marks the transaction aborted, and those after it are
     * not recorded (they may rest on its writes). {@code leaving}: a call leaves the process, and
     * inlining ends for the transaction, the completions of calls in flight recorded too.
     *
     * @return false if the execution flushing is past its deadline (it must stop)
     */
    synchronized boolean flush(EngineContext ctx, List<Completion> seen, boolean leaving) {
        List<Completion> flushed = new ArrayList<>(seen);
        if (leaving) {
            flushed.addAll(unrecorded());
        }
        // not in time (or failing): the execution stops, and its stop records what is left
        boolean inTime = flushAll(ctx, flushed);
        if (leaving && inTime) {
            close();
        } else {
            endPendingIfAllRecorded();
        }
        return inTime;
    }

    private boolean flushAll(EngineContext ctx, List<Completion> completions) {
        for (Completion completion : completions.stream().distinct().toList()) {
            if (completion.recorded) {
                continue;
            }
            switch (flushOne(ctx, completion)) {
                case SegmentResult.Committed<Void> committed -> completion.recorded = true;
                case SegmentResult.AlreadyCompleted<Void> landed -> completion.recorded = true; // reply lost
                case SegmentResult.Expired<Void> expired -> {
                    return false;
                }
                default -> {
                    doom(ctx); // stale, recorded by another execution, or records it did not see
                    return true;
                }
            }
        }
        return true;
    }

    /** Records one completion, fenced by its participant's request record; nothing if that cannot be done coherently. */
    private SegmentResult<Void> flushOne(EngineContext ctx, Completion completion) {
        long now = ctx.clockMillis();
        byte[] prefix = KeySpace.txRecords(txId);
        List<KeyValue> expected = coherent == null ? null : coherentRecords();
        List<KeyValue> written = new ArrayList<>();
        SegmentResult<Void> result = completion.commit.commit(0, true, (st, insert) -> {
            written.clear(); // an earlier attempt's
            if ((expected != null && !st.rangeHolds(prefix, Keys.prefixEnd(prefix), expected))
                    || !completion.segment.readsHold(st, ctx.store().stateCache()::stale)) {
                return new SegmentResult.Conflict<>();
            }
            written.addAll(TxWrites.record(st, txId, completion.requestId, 0, completion.segment, now));
            completion.commit.writeRecord(st, insert, completion.record);
            return new SegmentResult.Committed<>(null);
        });
        if (result instanceof SegmentResult.Committed<Void>) {
            recordedHere(written);
            records.recorded(txId, written);
            ctx.listener().completed(completion.requestId, completion.journal);
        }
        return result;
    }

    /**
     * Marks the transaction aborted, so that its commit conflicts: a participant whose response
     * an execution in it heard cannot be recorded before the transaction's end any more. Each
     * completion heard and not recorded is recorded alone, its writes never applied, as a
     * participant of an aborted transaction stays completed: a duplicate of its request answers
     * alike. Unless the transaction committed, which a completion it did not apply cannot follow.
     */
    private void doom(EngineContext ctx) {
        long now = ctx.clockMillis();
        List<Completion> heard = unrecorded();
        boolean[] committed = {false};
        List<Completion> recordedAlone = ctx.store().transact(st -> {
            TxWrites.abortIfOpen(st, txId, now);
            committed[0] = TxWrites.committed(st, txId);
            List<Completion> written = new ArrayList<>();
            for (Completion completion : committed[0] ? List.<Completion>of() : heard) {
                if (st.get(completion.requestKey()) == null) {
                    st.put(completion.requestKey(), completion.record);
                    written.add(completion);
                }
            }
            return written;
        });
        heard.forEach(completion -> completion.recorded = true);
        if (!committed[0]) { // the state cache took their writes as the likely outcome: never applied
            heard.forEach(
                    completion -> completion.segment.forgetCached(ctx.store().stateCache()));
        }
        recordedAlone.forEach(completion -> ctx.listener().completed(completion.requestId, completion.journal));
        close();
    }

    /**
     * In the coordinator's commit, on an attempt after the first (which inserts their completion
     * records): whether another execution of an adopted participant recorded it meanwhile (a
     * duplicate delivery). Its records, if any, are not coherent with the adopted writes.
     */
    static boolean recordedElsewhere(StoreTransaction st, List<Completion> completions) {
        for (Completion completion : completions) {
            if (st.get(completion.requestKey()) != null) {
                return true;
            }
        }
        return false;
    }
}
