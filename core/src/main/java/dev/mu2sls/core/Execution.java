package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.InvalidRequestException;
import dev.mu2sls.NondeterminismException;
import dev.mu2sls.ServiceCallException;
import dev.mu2sls.TransactionAbortedException;
import dev.mu2sls.TransactionConflictException;
import dev.mu2sls.spi.Contexts;
import dev.mu2sls.spi.ExecutionContext;
import dev.mu2sls.spi.MethodRef;
import dev.mu2sls.spi.PendingCall;
import dev.mu2sls.spi.TransactionHandle;
import dev.mu2sls.store.CommitHold;
import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Keys;
import dev.mu2sls.store.StoreTransaction;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One run of a request's handler under the exactly-once protocol (DESIGN §4).
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Steps {@code [0, journal.size())} are persisted; a step below that is replayed from the
 *       journal after its fingerprint (operation and target) is compared (G3).
 *   <li>Steps {@code [journal.size(), step)} are buffered in {@code pending}, with the segment's
 *       writes and the reads to validate. Nothing buffered is visible outside the execution, so
 *       losing it in a crash is the same as the steps never having run.
 *   <li>The buffer is persisted in one store transaction before anything leaves the execution (a
 *       call) and at completion. That transaction checks the request record: completed means
 *       this execution is a zombie and is fenced (G1); a journal length other than ours means
 *       another execution got further and we replay from the store; a read value that changed
 *       means we replay from our journal. So the state operations of a segment are atomic.
 * </ul>
 */
final class Execution implements ExecutionContext, StateAccess {
    private static final byte[] NO_TARGET = new byte[0];
    private static final byte[] TOMBSTONE = new byte[0];

    /**
     * How a persisting store transaction went: applied; fenced by a recorded response; behind a
     * longer journal; a read went stale; past this execution's deadline; or already applied by
     * this very execution (its commit landed, the reply was lost, the store retried the body).
     */
    private enum Outcome { OK, FENCED, DIVERGED, CONFLICT, EXPIRED, ALREADY_COMPLETED }

    record ScanRead(int step, byte[] from, byte[] to, int fetchLimit, List<KeyValue> committed) {}

    private final Engine engine;
    private final Invocation invocation;
    private final ServiceRuntime service;
    private final MethodRef method;
    private final byte[] requestKey;
    /** The request's digest (service, method, arguments), stored with its record. */
    private final byte[] digest;
    /**
     * Store-clock time after which this execution persists nothing and sends no call (A6): a
     * zombie that outlives it cannot act on records that retention may have deleted.
     */
    private final long deadline;
    /** Identifies this execution in the completion record it writes. */
    private final long token;
    private final List<JournalEntry> journal;
    private final List<byte[]> chunkKeys;
    private final AsyncCalls calls;
    /**
     * Other threads' commits held back for this execution's first segment (see
     * {@code Store.holdCommits}): released once the segment is persisted, and before any call or
     * await, which may wait for another thread's commit.
     */
    private final CommitHold hold;
    /** Async calls this execution made and has not awaited: the request completes only after them. */
    private final Map<Integer, AsyncCalls.Handle> unawaited = new TreeMap<>();
    /** Whether this is a client request and whether its acceptance record is written yet. */
    private Acceptance acceptance;

    private final List<JournalEntry> pending = new ArrayList<>();
    private final List<byte[]> readKeys = new ArrayList<>();
    private final List<byte[]> readValues = new ArrayList<>();
    private final List<Integer> readSteps = new ArrayList<>();
    private final List<ScanRead> scans = new ArrayList<>(0);
    private final TreeMap<byte[], byte[]> writes = new TreeMap<>(Keys.ORDER);
    private Response fencedBy;
    /** Whether this execution started without reading its request record (a first delivery). */
    private boolean recordUnchecked;
    private ControlFlow stopped;
    private int step;
    /** Whether any step touched state or drew a value; if not, the response is a function of call results. */
    private boolean impure;
    /** Whether the buffer holds a step whose result a re-execution could not reproduce by re-calling. */
    private boolean mustPersistBeforeCall;
    /**
     * The transaction this execution's state operations join: one it began (until it ends), or
     * the caller's (for the whole run, even after an abort, so that nothing after it applies).
     * While set, the buffer's reads and writes are the transaction's, not the state's.
     */
    private TxContext tx;

    Execution(Engine engine, Invocation invocation, ServiceRuntime service, MethodRef method, byte[] digest, long deadline,
              StoredJournal stored, AsyncCalls calls, Acceptance acceptance, CommitHold hold) {
        // a persisted journal was persisted with the acceptance record (see Acceptance.PENDING)
        this.acceptance = acceptance == Acceptance.PENDING && !stored.entries().isEmpty() ? Acceptance.RECORDED : acceptance;
        this.hold = hold;
        this.engine = engine;
        this.invocation = invocation;
        this.service = service;
        this.method = method;
        this.requestKey = KeySpace.request(invocation.requestId());
        this.digest = digest;
        this.deadline = deadline;
        this.token = ThreadLocalRandom.current().nextLong() | 1;
        this.journal = new ArrayList<>(stored.entries());
        this.chunkKeys = new ArrayList<>(stored.chunkKeys());
        this.recordUnchecked = stored == StoredJournal.UNCHECKED;
        this.calls = calls;
        if (invocation.transactionId() != null && engine.mode() == Mode.FULL) {
            this.tx = TxContext.joined(invocation.transactionId());
        }
    }

    /** The persisted journal as this execution knows it, for a replay after a conflict. */
    StoredJournal persisted() {
        return new StoredJournal(List.copyOf(journal), List.copyOf(chunkKeys));
    }

    /** Runs the handler to completion and records its response. */
    Response run(Object[] args) {
        Response response;
        try {
            Object result = ScopedValue.where(Contexts.CURRENT, this)
                    .call(() -> service.definition().invoke(service.instance(), method.index(), args));
            rethrowIfStopped();
            response = Response.success(engine.codec().encode(result, method.returnType()));
        } catch (ControlFlow | NondeterminismException flow) {
            throw flow;
        } catch (Exception failure) {
            rethrowIfStopped();
            if (failure instanceof InvalidRequestException invalid && invalid.reason() == InvalidRequestException.Reason.STATE_LIMIT_EXCEEDED) {
                throw invalid; // the request, not the handler, is at fault: refused (400), not recorded as its response
            }
            response = Response.failure(failure.getClass().getName(), failure.getMessage());
        }
        if (tx != null && tx.kind == TxContext.Kind.OWNED && tx.isOpen()) {
            String id = tx.id;
            try {
                abortTransaction(tx);
            } catch (TransactionConflictException ignored) {
                // aborted either way
            }
            if (response.ok()) {
                response = Response.failure(IllegalStateException.class.getName(), service.name() + "." + method.method()
                        + " returned while " + id + " was still open; it was aborted. Commit or abort every "
                        + "transaction you begin, or use Transaction.run");
            }
        }
        return complete(response);
    }

    @Override
    public boolean owns(String serviceName) {
        return service.name().equals(serviceName);
    }

    // ---- steps ------------------------------------------------------------------------------

    private int beginStep(JournalEntry.Op op, byte[] target) {
        rethrowIfStopped();
        int s = step;
        engine.faults().at(CrashPoint.STEP, invocation, s);
        step++;
        if (!op.isReproducible()) {
            impure = true;
        }
        if (s < journal.size()) {
            JournalEntry recorded = journal.get(s);
            if (recorded.op() != op || !Arrays.equals(recorded.target(), target)) {
                throw divergence(s, describe(recorded.op(), recorded.target()), describe(op, target));
            }
        }
        return s;
    }

    private void buffer(JournalEntry entry) {
        pending.add(entry);
        if (!entry.op().isReproducible()) {
            mustPersistBeforeCall = true;
        }
    }

    private JournalEntry replayed(int s) {
        return s < journal.size() ? journal.get(s) : null;
    }

    private NondeterminismException divergence(int s, String expected, String actual) {
        return new NondeterminismException(invocation.requestId(), service.name(), method.method(), s, expected, actual);
    }

    private static String describe(JournalEntry.Op op, byte[] target) {
        return switch (op) {
            case GET, CONTAINS, PUT, REMOVE -> op + " " + KeySpace.describeState(target);
            case SCAN -> "SCAN";
            case CALL, ASYNC_CALL -> op + " " + new String(target, UTF_8);
            case AWAIT, AWAIT_ANY -> op + " of the call made at step " + ByteBuffer.wrap(target).getInt();
            case UUID, NOW, RANDOM -> "Deterministic." + op.name().toLowerCase() + "()";
            case TX_BEGIN -> "Transaction.begin()";
            case TX_COMMIT -> "Transaction.commit()";
            case TX_ABORT -> "Transaction.abort()";
        };
    }

    private void rethrowIfStopped() {
        if (stopped != null) {
            throw stopped;
        }
    }

    // ---- state ------------------------------------------------------------------------------

    @Override
    public byte[] get(byte[] key) {
        int s = beginStep(JournalEntry.Op.GET, key);
        JournalEntry recorded = replayed(s);
        if (recorded != null) {
            return recorded.value();
        }
        byte[] value = readThroughBuffer(key, s);
        buffer(new JournalEntry(s, JournalEntry.Op.GET, key, value));
        return value;
    }

    @Override
    public boolean contains(byte[] key) {
        int s = beginStep(JournalEntry.Op.CONTAINS, key);
        JournalEntry recorded = replayed(s);
        if (recorded != null) {
            return recorded.value()[0] == 1;
        }
        boolean present = readThroughBuffer(key, s) != null;
        buffer(new JournalEntry(s, JournalEntry.Op.CONTAINS, key, new byte[] {(byte) (present ? 1 : 0)}));
        return present;
    }

    /** Own buffered writes first, then the transaction's provisional writes, then committed state. */
    private byte[] readThroughBuffer(byte[] key, int s) {
        byte[] written = writes.get(key);
        if (written != null) {
            return written == TOMBSTONE ? null : written;
        }
        if (inTransaction()) {
            byte[] provisional = engine.readStore(KeySpace.txWrite(tx.id, key));
            if (provisional != null) {
                return TxWrites.value(provisional);
            }
        }
        byte[] value = engine.readState(key);
        readKeys.add(key);
        readValues.add(value);
        readSteps.add(s);
        return value;
    }

    /**
     * The journal keeps a fingerprint of the value written, so that a replay writing another value
     * to the same key (a branch {@code @AllowNondeterminism} let diverge) is caught (G3).
     */
    @Override
    public void put(byte[] key, byte[] value) {
        int s = beginStep(JournalEntry.Op.PUT, key);
        JournalEntry recorded = replayed(s);
        byte[] fingerprint = ValueFingerprint.of(value);
        if (recorded == null) {
            writes.put(key, value);
            buffer(new JournalEntry(s, JournalEntry.Op.PUT, key, fingerprint));
        } else if (recorded.value() != null && !Arrays.equals(recorded.value(), fingerprint)) {
            throw divergence(s, "PUT " + KeySpace.describeState(key) + " of the value journaled",
                    "PUT " + KeySpace.describeState(key) + " of another value");
        }
    }

    @Override
    public void remove(byte[] key) {
        int s = beginStep(JournalEntry.Op.REMOVE, key);
        if (replayed(s) == null) {
            writes.put(key, TOMBSTONE);
            buffer(new JournalEntry(s, JournalEntry.Op.REMOVE, key, null));
        }
    }

    @Override
    public List<KeyValue> scan(byte[] from, byte[] to, int limit) {
        int s = beginStep(JournalEntry.Op.SCAN, ScanCodec.target(from, to, limit));
        JournalEntry recorded = replayed(s);
        if (recorded != null) {
            return ScanCodec.decode(recorded.value());
        }
        Map<byte[], byte[]> own = writes.subMap(from, true, to, false);
        Map<byte[], byte[]> provisional = inTransaction() ? TxWrites.inRange(engine, tx.id, from, to) : Map.of();
        int fetchLimit = limit + own.size() + provisional.size();
        List<KeyValue> committed = engine.scanStore(from, to, fetchLimit);
        scans.add(new ScanRead(s, from, to, fetchLimit, committed));
        TreeMap<byte[], byte[]> merged = new TreeMap<>(Keys.ORDER);
        for (KeyValue kv : committed) {
            merged.put(kv.key(), kv.value());
        }
        merged.putAll(provisional);
        merged.putAll(own);
        List<KeyValue> result = new ArrayList<>(Math.min(limit, merged.size()));
        for (Map.Entry<byte[], byte[]> entry : merged.entrySet()) {
            if (result.size() == limit) {
                break;
            }
            if (entry.getValue() != TOMBSTONE && entry.getValue() != TxWrites.DELETED) {
                result.add(new KeyValue(entry.getKey(), entry.getValue()));
            }
        }
        buffer(new JournalEntry(s, JournalEntry.Op.SCAN, ScanCodec.target(from, to, limit), ScanCodec.encode(result)));
        return result;
    }

    // ---- calls ------------------------------------------------------------------------------

    @Override
    public Object call(MethodRef callee, Object[] args) {
        hold.release();
        byte[] target = callTarget(callee);
        int s = beginStep(JournalEntry.Op.CALL, target);
        JournalEntry recorded = replayed(s);
        Response response;
        if (recorded != null) {
            response = Response.fromBytes(recorded.value());
        } else {
            Invocation call = childInvocation(s, callee, args);
            checkRecordBeforeCall();
            persistBeforeCall();
            engine.faults().at(CrashPoint.BEFORE_CALL, invocation, s);
            checkDeadline();
            response = send(call);
            engine.faults().at(CrashPoint.AFTER_CALL_REPLY, invocation, s);
            buffer(new JournalEntry(s, JournalEntry.Op.CALL, target, response.toBytes()));
        }
        return unwrap(callee, response);
    }

    @Override
    public PendingCall callAsync(MethodRef callee, Object[] args) {
        hold.release();
        byte[] target = callTarget(callee);
        int s = beginStep(JournalEntry.Op.ASYNC_CALL, target);
        AsyncCalls.Handle handle = calls.new Handle(s, callee, childInvocation(s, callee, args));
        if (tx != null && tx.isOpen()) {
            tx.unawaited.add(s);
        }
        unawaited.put(s, handle);
        if (replayed(s) == null) {
            checkRecordBeforeCall();
            persistBeforeCall();
            engine.faults().at(CrashPoint.BEFORE_CALL, invocation, s);
            buffer(new JournalEntry(s, JournalEntry.Op.ASYNC_CALL, target, null));
            start(handle);
        }
        return handle;
    }

    @Override
    public Object await(PendingCall pendingCall) {
        hold.release();
        AsyncCalls.Handle handle = own(pendingCall);
        if (tx != null) {
            tx.unawaited.remove(handle.step);
        }
        unawaited.remove(handle.step);
        byte[] target = ByteBuffer.allocate(4).putInt(handle.step).array();
        int s = beginStep(JournalEntry.Op.AWAIT, target);
        JournalEntry recorded = replayed(s);
        Response response;
        if (recorded != null) {
            response = Response.fromBytes(recorded.value());
        } else {
            response = join(start(handle));
            engine.faults().at(CrashPoint.AFTER_CALL_REPLY, invocation, s);
            buffer(new JournalEntry(s, JournalEntry.Op.AWAIT, target, response.toBytes()));
        }
        return unwrap(handle.method, response);
    }

    @Override
    public int awaitAny(List<PendingCall> pendingCalls) {
        hold.release();
        ByteBuffer target = ByteBuffer.allocate(4 * pendingCalls.size());
        List<AsyncCalls.Handle> handles = new ArrayList<>(pendingCalls.size());
        for (PendingCall pendingCall : pendingCalls) {
            AsyncCalls.Handle handle = own(pendingCall);
            handles.add(handle);
            target.putInt(handle.step);
        }
        int s = beginStep(JournalEntry.Op.AWAIT_ANY, target.array());
        JournalEntry recorded = replayed(s);
        if (recorded != null) {
            return ByteBuffer.wrap(recorded.value()).getInt();
        }
        List<CompletableFuture<Response>> futures = new ArrayList<>(handles.size());
        for (AsyncCalls.Handle handle : handles) {
            futures.add(start(handle));
        }
        try {
            CompletableFuture.anyOf(futures.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException ignored) {
            // a failed call also counts as completed; its failure surfaces when it is awaited
        }
        int winner = 0;
        while (!futures.get(winner).isDone()) {
            winner++;
        }
        buffer(new JournalEntry(s, JournalEntry.Op.AWAIT_ANY, target.array(),
                ByteBuffer.allocate(4).putInt(winner).array()));
        return winner;
    }

    private AsyncCalls.Handle own(PendingCall pendingCall) {
        if (pendingCall instanceof AsyncCalls.Handle handle && handle.owner() == calls) {
            return handle;
        }
        throw new IllegalStateException("a DurableFuture of " + pendingCall.method()
                + " was awaited by another request; a future belongs to the request execution that created it");
    }

    /** Sends a call, or sends it again with the same id (the callee deduplicates). */
    private CompletableFuture<Response> start(AsyncCalls.Handle handle) {
        checkDeadline();
        return calls.start(handle);
    }

    private Response send(Invocation call) {
        try {
            return engine.transport().call(call);
        } catch (ExecutionExpiredException expired) {
            throw stop(new ControlFlow.Expired()); // the callee shares our deadline: we are past it too
        }
    }

    private Response join(CompletableFuture<Response> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof ExecutionExpiredException) {
                throw stop(new ControlFlow.Expired());
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    private Invocation childInvocation(int s, MethodRef callee, Object[] args) {
        return new Invocation(invocation.requestId() + "/" + s, callee.service(), callee.method(),
                engine.codec().encodeArguments(callee, args), 0,
                tx == null || tx.kind == TxContext.Kind.NOOP ? null : tx.id, deadline);
    }

    private static byte[] callTarget(MethodRef callee) {
        return (callee.service() + "." + callee.method()).getBytes(UTF_8);
    }

    private Object unwrap(MethodRef callee, Response response) {
        if (!response.ok()) {
            throw new ServiceCallException(callee.service(), callee.method(), response.errorType(), response.errorMessage());
        }
        return engine.codec().decode(response.value(), callee.returnType());
    }

    // ---- nondeterministic values --------------------------------------------------------------

    @Override
    public UUID uuid() {
        int s = beginStep(JournalEntry.Op.UUID, NO_TARGET);
        JournalEntry recorded = replayed(s);
        if (recorded != null) {
            ByteBuffer value = ByteBuffer.wrap(recorded.value());
            return new UUID(value.getLong(), value.getLong());
        }
        UUID uuid = engine.entropy().uuid();
        buffer(new JournalEntry(s, JournalEntry.Op.UUID, NO_TARGET, ByteBuffer.allocate(16)
                .putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits()).array()));
        return uuid;
    }

    @Override
    public Instant now() {
        int s = beginStep(JournalEntry.Op.NOW, NO_TARGET);
        JournalEntry recorded = replayed(s);
        if (recorded != null) {
            ByteBuffer value = ByteBuffer.wrap(recorded.value());
            return Instant.ofEpochSecond(value.getLong(), value.getInt());
        }
        Instant now = engine.entropy().now();
        buffer(new JournalEntry(s, JournalEntry.Op.NOW, NO_TARGET,
                ByteBuffer.allocate(12).putLong(now.getEpochSecond()).putInt(now.getNano()).array()));
        return now;
    }

    @Override
    public long randomSeed() {
        int s = beginStep(JournalEntry.Op.RANDOM, NO_TARGET);
        JournalEntry recorded = replayed(s);
        if (recorded != null) {
            return ByteBuffer.wrap(recorded.value()).getLong();
        }
        long seed = engine.entropy().randomSeed();
        buffer(new JournalEntry(s, JournalEntry.Op.RANDOM, NO_TARGET, ByteBuffer.allocate(8).putLong(seed).array()));
        return seed;
    }

    // ---- transactions ------------------------------------------------------------------------

    /** Whether state operations go to a transaction (not a no-op one of a mode without transactions). */
    private boolean inTransaction() {
        return tx != null && tx.kind != TxContext.Kind.NOOP;
    }

    @Override
    public TransactionHandle currentTransaction() {
        return tx != null && tx.isOpen() ? tx : null;
    }

    @Override
    public TransactionHandle beginTransaction() {
        rethrowIfStopped();
        if (tx != null && tx.isOpen()) {
            return tx; // flat nesting: join the open transaction
        }
        if (tx != null) {
            throw new IllegalStateException(service.name() + "." + method.method() + " runs inside " + tx
                    + ", which was aborted; it cannot begin another transaction");
        }
        if (engine.mode() != Mode.FULL) {
            tx = TxContext.noop(invocation.requestId() + "/" + step);
            return tx;
        }
        int s = beginStep(JournalEntry.Op.TX_BEGIN, NO_TARGET);
        if (replayed(s) == null) {
            if (!readKeys.isEmpty() || !writes.isEmpty() || !scans.isEmpty()) {
                persistPending(); // what the request did before the transaction is not part of it
            }
            buffer(new JournalEntry(s, JournalEntry.Op.TX_BEGIN, NO_TARGET, null));
        }
        tx = TxContext.owned(invocation.requestId() + "/" + s);
        return tx;
    }

    @Override
    public void commitTransaction(TransactionHandle handle) {
        TxContext t = ownOpen(handle, "commit");
        switch (t.kind) {
            case NOOP -> end(t);
            case JOINED -> { } // flat nesting: the outermost transaction commits
            case OWNED -> {
                if (!t.unawaited.isEmpty()) {
                    throw new IllegalStateException("cannot commit " + t + ": the calls made at steps " + t.unawaited
                            + " inside it were never awaited; await every call made in a transaction before committing");
                }
                TxOutcome outcome = finish(t, JournalEntry.Op.TX_COMMIT);
                switch (outcome) {
                    case COMMITTED -> { }
                    case CONFLICT -> throw new TransactionConflictException(t.id, t
                            + " conflicted with a concurrent commit and was not applied; run it again (Transaction.run does)");
                    case ABORTED_BY_PARTICIPANT -> throw new TransactionAbortedException(t.id, t
                            + " was aborted by a service called inside it; nothing it wrote was applied");
                    case ABORTED -> throw new IllegalStateException("commit of " + t + " ended as an abort");
                }
            }
        }
    }

    @Override
    public void abortTransaction(TransactionHandle handle) {
        TxContext t = ownOpen(handle, "abort");
        switch (t.kind) {
            case NOOP -> end(t); // transactions are off: nothing can be undone
            case JOINED -> abortAsParticipant(t);
            case OWNED -> {
                if (finish(t, JournalEntry.Op.TX_ABORT) == TxOutcome.CONFLICT) {
                    throw new TransactionConflictException(t.id, t + " read data that changed before it aborted, so "
                            + "the decision to abort may rest on stale reads; run it again (Transaction.run does)");
                }
            }
        }
    }

    private TxContext ownOpen(TransactionHandle handle, String action) {
        rethrowIfStopped();
        if (handle != tx || tx == null) {
            throw new IllegalStateException("cannot " + action + " " + handle + ": it is not the transaction open in "
                    + service.name() + "." + method.method() + " (a transaction belongs to the execution that began it)");
        }
        if (!tx.isOpen()) {
            throw new IllegalStateException("cannot " + action + " " + tx + ": it already ended; commit or abort a transaction once");
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
     * Commits or aborts the transaction this execution began, in one store transaction with the
     * buffered segment and the journal entry of the outcome.
     */
    private TxOutcome finish(TxContext t, JournalEntry.Op op) {
        byte[] target = t.id.getBytes(UTF_8);
        int s = beginStep(op, target);
        JournalEntry recorded = replayed(s);
        TxOutcome outcome;
        if (recorded != null) {
            outcome = TxOutcome.of(recorded.value()[0]);
        } else {
            engine.faults().at(CrashPoint.BEFORE_STORE_COMMIT, invocation, s);
            int base = journal.size();
            byte[] chunkKey = KeySpace.journalChunk(invocation.requestId(), base);
            long now = engine.clockMillis();
            TxOutcome[] decided = new TxOutcome[1];
            Map<byte[], byte[]> applied = new TreeMap<>(Keys.ORDER);
            long started = System.nanoTime();
            Outcome stored = engine.transact(st -> {
                Outcome checked = admit(st, base, false);
                if (checked != Outcome.OK) {
                    return checked;
                }
                applied.clear();
                decided[0] = TxWrites.finish(st, t.id, op == JournalEntry.Op.TX_COMMIT, writes, TOMBSTONE,
                        readKeys, readValues, scans, now, applied);
                List<JournalEntry> segment = new ArrayList<>(pending);
                segment.add(new JournalEntry(s, op, target, decided[0].journalValue()));
                st.put(chunkKey, JournalCodec.encode(segment));
                st.put(requestKey, RequestRecord.running(digest, base + segment.size()));
                recordPendingAcceptance(st);
                return Outcome.OK;
            });
            stopUnless(stored);
            outcome = decided[0];
            if (outcome == TxOutcome.CONFLICT) {
                readKeys.forEach(engine.stateCache()::forget); // one of them was stale
            }
            applied.forEach(engine.stateCache()::committed);
            segmentPersisted(chunkKey, List.of(new JournalEntry(s, op, target, outcome.journalValue())));
            engine.transactionEnded(invocation, t.id, s, outcome, started);
            engine.faults().at(CrashPoint.AFTER_STORE_COMMIT, invocation, s);
        }
        end(t);
        return outcome;
    }

    /** A participant's abort: the whole transaction is marked aborted; the coordinator's commit will fail. */
    private void abortAsParticipant(TxContext t) {
        byte[] target = t.id.getBytes(UTF_8);
        int s = beginStep(JournalEntry.Op.TX_ABORT, target);
        if (replayed(s) == null) {
            engine.faults().at(CrashPoint.BEFORE_STORE_COMMIT, invocation, s);
            int base = journal.size();
            byte[] chunkKey = KeySpace.journalChunk(invocation.requestId(), base);
            long now = engine.clockMillis();
            JournalEntry entry = new JournalEntry(s, JournalEntry.Op.TX_ABORT, target, TxOutcome.ABORTED.journalValue());
            Outcome stored = engine.transact(st -> {
                Outcome checked = admit(st, base, false);
                if (checked != Outcome.OK) {
                    return checked;
                }
                TxWrites.abortByParticipant(st, t.id, now);
                List<JournalEntry> segment = new ArrayList<>(pending);
                segment.add(entry);
                st.put(chunkKey, JournalCodec.encode(segment));
                st.put(requestKey, RequestRecord.running(digest, base + segment.size()));
                recordPendingAcceptance(st);
                return Outcome.OK;
            });
            stopUnless(stored);
            segmentPersisted(chunkKey, List.of(entry));
            engine.faults().at(CrashPoint.AFTER_STORE_COMMIT, invocation, s);
        }
        end(t);
    }

    // ---- persisting ---------------------------------------------------------------------------

    /**
     * A first delivery did not read its request record (G1 still holds: its first persist inserts
     * the record and fails for a duplicate). A call is the one effect that leaves before any
     * persist, so before the first one the record is read: a completed request returns its
     * recorded response, a persisted journal is replayed. Were the call sent unchecked, a
     * duplicate of a request completed long ago could re-issue calls whose callees' records had
     * already expired.
     */
    private void checkRecordBeforeCall() {
        if (!recordUnchecked) {
            return;
        }
        recordUnchecked = false;
        if (mustPersistBeforeCall) {
            return; // the persist before this call inserts the record, failing for a duplicate
        }
        Object loaded = engine.load(invocation, digest);
        if (loaded instanceof Response recorded) {
            throw stop(new ControlFlow.Fenced(recorded));
        }
        if (!((StoredJournal) loaded).entries().isEmpty()) {
            throw stop(new ControlFlow.ReplayRequired(true));
        }
    }

    /**
     * Persists the buffer before a call leaves the execution, if the call's arguments could depend
     * on a step a re-execution would not reproduce (a read, a drawn value) or the buffer holds writes.
     */
    private void persistBeforeCall() {
        if (mustPersistBeforeCall) {
            persistPending();
        } else if (acceptance == Acceptance.PENDING) {
            stopUnless(engine.transact(st -> {
                if (engine.clockMillis() >= deadline) {
                    return Outcome.EXPIRED;
                }
                recordPendingAcceptance(st);
                return Outcome.OK;
            }));
            acceptance = Acceptance.RECORDED;
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

    private void persistPending() {
        engine.faults().at(CrashPoint.BEFORE_STORE_COMMIT, invocation, step);
        int base = journal.size();
        byte[] chunkKey = KeySpace.journalChunk(invocation.requestId(), base);
        byte[] chunk = JournalCodec.encode(pending);
        byte[] running = RequestRecord.running(digest, base + pending.size());
        long now = engine.clockMillis();
        int[] attempts = {0};
        Outcome outcome = engine.transact(st -> {
            boolean insert = base == 0 && attempts[0]++ == 0;
            Outcome checked = admit(st, base, insert);
            if (checked == Outcome.OK) {
                checked = persistSegment(st, now);
            }
            if (checked == Outcome.OK) {
                st.put(chunkKey, chunk);
                writeRequestRecord(st, insert, running);
                recordPendingAcceptance(st);
            }
            return checked;
        });
        stopUnless(outcome);
        cacheCommittedWrites();
        segmentPersisted(chunkKey, List.of());
        engine.faults().at(CrashPoint.AFTER_STORE_COMMIT, invocation, step);
    }

    private void segmentPersisted(byte[] chunkKey, List<JournalEntry> extra) {
        hold.release();
        if (acceptance == Acceptance.PENDING) {
            acceptance = Acceptance.RECORDED;
        }
        journal.addAll(pending);
        journal.addAll(extra);
        chunkKeys.add(chunkKey);
        clearSegment();
        mustPersistBeforeCall = false;
    }

    /** The buffer's reads and writes: validated and applied to the state, or recorded in the transaction. */
    private Outcome persistSegment(StoreTransaction st, long now) {
        // Inside a transaction too: a read already stale is replayed here, locally, instead of
        // failing the whole transaction at commit (the commit validates again).
        if (!readsStillCurrent(st)) {
            return Outcome.CONFLICT;
        }
        if (inTransaction()) {
            writes.keySet().forEach(engine.stateCache()::forget); // the commit may be applied by another instance
            TxWrites.record(st, tx.id, invocation.requestId(), journal.size(), writes, TOMBSTONE, readKeys, readValues,
                    readSteps, scans, now);
            return Outcome.OK;
        }
        applyWrites(st);
        return Outcome.OK;
    }

    private Response complete(Response response) {
        if (step < journal.size()) {
            JournalEntry next = journal.get(step);
            throw divergence(step, describe(next.op(), next.target()), "RETURN from " + method);
        }
        awaitUnawaitedCalls();
        if (!impure && journal.isEmpty() && acceptance == Acceptance.NONE) {
            // Only calls: every execution computes this response from the callees' recorded
            // responses, so there is nothing to record or fence (W2's Caller1 and Caller2). Its
            // deadline still holds: a response computed after it may rest on calls re-run fresh.
            checkDeadline();
            return response;
        }
        engine.faults().at(CrashPoint.BEFORE_COMPLETE, invocation, step);
        int base = journal.size();
        long completedAt = engine.clockMillis();
        byte[] record = RequestRecord.completed(digest, completedAt, token, false, response);
        int[] attempts = {0};
        Outcome outcome = engine.transact(st -> {
            boolean insert = base == 0 && attempts[0]++ == 0;
            Outcome checked = admit(st, base, insert);
            if (checked == Outcome.OK) {
                checked = persistSegment(st, completedAt);
            }
            if (checked == Outcome.OK) {
                for (byte[] chunkKey : chunkKeys) {
                    st.delete(chunkKey);
                }
                if (acceptance == Acceptance.RECORDED) {
                    st.delete(KeySpace.accepted(invocation.requestId())); // no longer needs recovery
                }
                writeRequestRecord(st, insert, record);
            }
            return checked;
        });
        if (outcome != Outcome.ALREADY_COMPLETED) {
            stopUnless(outcome);
        }
        cacheCommittedWrites();
        if (engine.listener() != ExecutionListener.NONE) {
            List<JournalEntry> all = new ArrayList<>(journal);
            all.addAll(pending);
            engine.listener().completed(invocation.requestId(), all);
        }
        engine.faults().at(CrashPoint.AFTER_COMPLETE, invocation, step);
        return response;
    }

    /**
     * The request record of a request with nothing persisted yet is inserted on the first attempt,
     * without the fence read: the insert itself fails if another execution got there first (then
     * the retry reads the record and is fenced or replays). A read of the missing key would make
     * SERIALIZABLE stores lock the gap, and unrelated requests conflict (PostgreSQL's SSI).
     */
    private void writeRequestRecord(StoreTransaction st, boolean insert, byte[] record) {
        if (insert) {
            st.insert(requestKey, record);
        } else {
            st.put(requestKey, record);
        }
    }

    /**
     * Whether this execution may persist in {@code st}: before its deadline (A6), and fenced
     * (G1): a completed request stops it, a longer journal means another got further. The usual
     * case, the record as this execution left it, is an expectation: a store may confirm it with
     * the commit instead of a read (PostgreSQL's batches). An {@code insert} of the record skips
     * the read: the insert fails if the record exists.
     *
     * @throws InvalidRequestException if the record belongs to another request with the same id
     */
    private Outcome admit(StoreTransaction st, int base, boolean insert) {
        if (engine.clockMillis() >= deadline) {
            return Outcome.EXPIRED;
        }
        if (insert || st.holds(requestKey, base == 0 ? null : RequestRecord.running(digest, base))) {
            return Outcome.OK;
        }
        RequestRecord record = RequestRecord.decode(requestKey, st.get(requestKey));
        if (record != null && !record.isFor(digest)) {
            throw Engine.reusedId(invocation);
        }
        if (record instanceof RequestRecord.Completed completed) {
            if (completed.completedBy() == token) {
                return Outcome.ALREADY_COMPLETED;
            }
            fencedBy = completed.response();
            return Outcome.FENCED;
        }
        int persisted = record == null ? 0 : ((RequestRecord.Running) record).journalLength();
        return persisted == base ? Outcome.OK : Outcome.DIVERGED;
    }

    /** A zombie past its deadline sends nothing: the records of what it would call may be gone (A6). */
    private void checkDeadline() {
        if (engine.clockMillis() >= deadline) {
            throw stop(new ControlFlow.Expired());
        }
    }

    /**
     * Un-awaited async calls complete before the request does (G1): the spec runs an async call to
     * completion where it is made, so a request may not answer, and forget, a call still in
     * flight. Their responses, failures included, are recorded by the callees; nothing is journaled
     * here, and a re-execution sends them again under the same ids.
     */
    private void awaitUnawaitedCalls() {
        for (AsyncCalls.Handle handle : unawaited.values()) {
            try {
                join(start(handle));
            } catch (RuntimeException failed) {
                // accounted for: the callee recorded its failure, or its caller's caller sees ours
            }
        }
        unawaited.clear();
    }

    private boolean readsStillCurrent(StoreTransaction st) {
        for (int i = 0; i < readKeys.size(); i++) {
            if (!st.holds(readKeys.get(i), readValues.get(i))) {
                engine.stateCache().stale(readKeys.get(i), readValues.get(i));
                return false;
            }
        }
        for (ScanRead scan : scans) {
            if (!Keys.sameEntries(st.scan(scan.from, scan.to, scan.fetchLimit), scan.committed)) {
                return false;
            }
        }
        return true;
    }

    /** Outside a transaction, the persisted segment's writes are now committed state. */
    private void cacheCommittedWrites() {
        if (!inTransaction()) {
            writes.forEach((key, value) -> engine.stateCache().committed(key, value == TOMBSTONE ? null : value));
        }
    }

    private void applyWrites(StoreTransaction st) {
        for (Map.Entry<byte[], byte[]> write : writes.entrySet()) {
            if (write.getValue() == TOMBSTONE) {
                st.delete(write.getKey());
            } else {
                st.put(write.getKey(), write.getValue());
            }
        }
    }

    private void stopUnless(Outcome outcome) {
        switch (outcome) {
            case OK -> { }
            case FENCED -> throw stop(new ControlFlow.Fenced(fencedBy));
            // a persist that landed though its reply was lost: the replay finds it journaled
            case DIVERGED, ALREADY_COMPLETED -> throw stop(new ControlFlow.ReplayRequired(true));
            case CONFLICT -> throw stop(new ControlFlow.ReplayRequired(false));
            case EXPIRED -> throw stop(new ControlFlow.Expired());
        }
    }

    private ControlFlow stop(ControlFlow flow) {
        stopped = flow;
        throw flow;
    }

    private void clearSegment() {
        pending.clear();
        readKeys.clear();
        readValues.clear();
        readSteps.clear();
        scans.clear();
        writes.clear();
    }

    /** A client request's acceptance record ({@code Engine.submit}, {@code Engine.recover}). */
    enum Acceptance {
        /** Not a client request ({@code Engine.invoke}): its caller re-drives it. */
        NONE,
        /**
         * A client request's first delivery: nothing of it is durable yet, and its acceptance
         * record is written with its first persisted effect (a segment, or the acceptance alone
         * before a call leaves). A request whose first persist is its completion never needs one.
         * Until then a crash leaves no trace of the request, as if it had never arrived: the
         * platform's or the client's retry runs it.
         */
        PENDING,
        /** The acceptance record is written: the completion deletes it. */
        RECORDED
    }
}
