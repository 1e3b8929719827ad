package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.NondeterminismException;
import dev.mu2sls.ServiceCallException;
import dev.mu2sls.spi.Contexts;
import dev.mu2sls.spi.ExecutionContext;
import dev.mu2sls.spi.MethodRef;
import dev.mu2sls.spi.PendingCall;
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

    private enum Outcome { OK, FENCED, DIVERGED, CONFLICT }

    private record ScanRead(byte[] from, byte[] to, int fetchLimit, List<KeyValue> committed) {}

    private final Engine engine;
    private final Invocation invocation;
    private final ServiceRuntime service;
    private final MethodRef method;
    private final byte[] requestKey;
    private final List<JournalEntry> journal;
    private final List<byte[]> chunkKeys;
    private final AsyncCalls calls;

    private final List<JournalEntry> pending = new ArrayList<>();
    private final List<byte[]> readKeys = new ArrayList<>();
    private final List<byte[]> readValues = new ArrayList<>();
    private final List<ScanRead> scans = new ArrayList<>(0);
    private final TreeMap<byte[], byte[]> writes = new TreeMap<>(Keys.ORDER);
    private Response fencedBy;
    private ControlFlow stopped;
    private int step;
    /** Whether any step touched state or drew a value; if not, the response is a function of call results. */
    private boolean impure;
    /** Whether the buffer holds a step whose result a re-execution could not reproduce by re-calling. */
    private boolean mustPersistBeforeCall;

    Execution(Engine engine, Invocation invocation, ServiceRuntime service, MethodRef method,
              StoredJournal stored, AsyncCalls calls) {
        this.engine = engine;
        this.invocation = invocation;
        this.service = service;
        this.method = method;
        this.requestKey = KeySpace.request(invocation.requestId());
        this.journal = new ArrayList<>(stored.entries());
        this.chunkKeys = new ArrayList<>(stored.chunkKeys());
        this.calls = calls;
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
            response = Response.failure(failure.getClass().getName(), failure.getMessage());
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
        if (!isCallStep(op)) {
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

    /**
     * Calls and awaits are reproducible: a re-execution re-sends the same derived id and the
     * callee answers with its recorded response. Everything else (state, drawn values, the
     * winner of {@code any}) is not.
     */
    private static boolean isCallStep(JournalEntry.Op op) {
        return op == JournalEntry.Op.CALL || op == JournalEntry.Op.ASYNC_CALL || op == JournalEntry.Op.AWAIT;
    }

    private void buffer(JournalEntry entry) {
        pending.add(entry);
        if (!isCallStep(entry.op())) {
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
        byte[] value = readThroughBuffer(key);
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
        boolean present = readThroughBuffer(key) != null;
        buffer(new JournalEntry(s, JournalEntry.Op.CONTAINS, key, new byte[] {(byte) (present ? 1 : 0)}));
        return present;
    }

    private byte[] readThroughBuffer(byte[] key) {
        byte[] written = writes.get(key);
        if (written != null) {
            return written == TOMBSTONE ? null : written;
        }
        byte[] value = engine.readStore(key);
        readKeys.add(key);
        readValues.add(value);
        return value;
    }

    @Override
    public void put(byte[] key, byte[] value) {
        int s = beginStep(JournalEntry.Op.PUT, key);
        if (replayed(s) == null) {
            writes.put(key, value);
            buffer(new JournalEntry(s, JournalEntry.Op.PUT, key, null));
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
        int fetchLimit = limit + own.size();
        List<KeyValue> committed = engine.scanStore(from, to, fetchLimit);
        scans.add(new ScanRead(from, to, fetchLimit, committed));
        TreeMap<byte[], byte[]> merged = new TreeMap<>(Keys.ORDER);
        for (KeyValue kv : committed) {
            merged.put(kv.key(), kv.value());
        }
        merged.putAll(own);
        List<KeyValue> result = new ArrayList<>(Math.min(limit, merged.size()));
        for (Map.Entry<byte[], byte[]> entry : merged.entrySet()) {
            if (result.size() == limit) {
                break;
            }
            if (entry.getValue() != TOMBSTONE) {
                result.add(new KeyValue(entry.getKey(), entry.getValue()));
            }
        }
        buffer(new JournalEntry(s, JournalEntry.Op.SCAN, ScanCodec.target(from, to, limit), ScanCodec.encode(result)));
        return result;
    }

    // ---- calls ------------------------------------------------------------------------------

    @Override
    public Object call(MethodRef callee, Object[] args) {
        byte[] target = callTarget(callee);
        int s = beginStep(JournalEntry.Op.CALL, target);
        JournalEntry recorded = replayed(s);
        Response response;
        if (recorded != null) {
            response = Response.fromBytes(recorded.value());
        } else {
            Invocation call = childInvocation(s, callee, args);
            persistBeforeCall();
            engine.faults().at(CrashPoint.BEFORE_CALL, invocation, s);
            response = engine.transport().call(call);
            engine.faults().at(CrashPoint.AFTER_CALL_REPLY, invocation, s);
            buffer(new JournalEntry(s, JournalEntry.Op.CALL, target, response.toBytes()));
        }
        return unwrap(callee, response);
    }

    @Override
    public PendingCall callAsync(MethodRef callee, Object[] args) {
        byte[] target = callTarget(callee);
        int s = beginStep(JournalEntry.Op.ASYNC_CALL, target);
        AsyncCalls.Handle handle = calls.new Handle(s, callee, childInvocation(s, callee, args));
        if (replayed(s) == null) {
            persistBeforeCall();
            engine.faults().at(CrashPoint.BEFORE_CALL, invocation, s);
            buffer(new JournalEntry(s, JournalEntry.Op.ASYNC_CALL, target, null));
            calls.start(handle);
        }
        return handle;
    }

    @Override
    public Object await(PendingCall pendingCall) {
        AsyncCalls.Handle handle = own(pendingCall);
        byte[] target = ByteBuffer.allocate(4).putInt(handle.step).array();
        int s = beginStep(JournalEntry.Op.AWAIT, target);
        JournalEntry recorded = replayed(s);
        Response response;
        if (recorded != null) {
            response = Response.fromBytes(recorded.value());
        } else {
            response = join(calls.start(handle));
            engine.faults().at(CrashPoint.AFTER_CALL_REPLY, invocation, s);
            buffer(new JournalEntry(s, JournalEntry.Op.AWAIT, target, response.toBytes()));
        }
        return unwrap(handle.method, response);
    }

    @Override
    public int awaitAny(List<PendingCall> pendingCalls) {
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
            futures.add(calls.start(handle));
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

    private static Response join(CompletableFuture<Response> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
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
                engine.codec().encodeArguments(callee, args), 0);
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

    // ---- persisting ---------------------------------------------------------------------------

    /**
     * Persists the buffer before a call leaves the execution, if the call's arguments could depend
     * on a step a re-execution would not reproduce (a read, a drawn value) or the buffer holds writes.
     */
    private void persistBeforeCall() {
        if (mustPersistBeforeCall) {
            persistPending();
        }
    }

    private void persistPending() {
        engine.faults().at(CrashPoint.BEFORE_STORE_COMMIT, invocation, step);
        int base = journal.size();
        byte[] chunkKey = KeySpace.journalChunk(invocation.requestId(), base);
        byte[] chunk = JournalCodec.encode(pending);
        byte[] running = RequestRecord.running(base + pending.size());
        Outcome outcome = engine.transact(tx -> {
            Outcome checked = checkFenceAndReads(tx, base);
            if (checked == Outcome.OK) {
                applyWrites(tx);
                tx.put(chunkKey, chunk);
                tx.put(requestKey, running);
            }
            return checked;
        });
        stopUnless(outcome);
        journal.addAll(pending);
        chunkKeys.add(chunkKey);
        clearSegment();
        mustPersistBeforeCall = false;
        engine.faults().at(CrashPoint.AFTER_STORE_COMMIT, invocation, step);
    }

    private Response complete(Response response) {
        if (step < journal.size()) {
            JournalEntry next = journal.get(step);
            throw divergence(step, describe(next.op(), next.target()), "RETURN from " + method);
        }
        if (!impure && journal.isEmpty()) {
            // Only calls: every execution computes this response from the callees' recorded
            // responses, so there is nothing to record or fence (W2's Caller1 and Caller2).
            return response;
        }
        engine.faults().at(CrashPoint.BEFORE_COMPLETE, invocation, step);
        int base = journal.size();
        long completedAt = engine.clockMillis();
        byte[] record = RequestRecord.completed(completedAt, response);
        Outcome outcome = engine.transact(tx -> {
            Outcome checked = checkFenceAndReads(tx, base);
            if (checked == Outcome.OK) {
                applyWrites(tx);
                for (byte[] chunkKey : chunkKeys) {
                    tx.delete(chunkKey);
                }
                tx.put(requestKey, record);
            }
            return checked;
        });
        stopUnless(outcome);
        if (engine.listener() != ExecutionListener.NONE) {
            List<JournalEntry> all = new ArrayList<>(journal);
            all.addAll(pending);
            engine.listener().completed(invocation.requestId(), all);
        }
        engine.faults().at(CrashPoint.AFTER_COMPLETE, invocation, step);
        return response;
    }

    private Outcome checkFenceAndReads(StoreTransaction tx, int base) {
        RequestRecord record = RequestRecord.decode(tx.get(requestKey));
        if (record instanceof RequestRecord.Completed completed) {
            fencedBy = completed.response();
            return Outcome.FENCED;
        }
        int persisted = record == null ? 0 : ((RequestRecord.Running) record).journalLength();
        if (persisted != base) {
            return Outcome.DIVERGED;
        }
        for (int i = 0; i < readKeys.size(); i++) {
            if (!Arrays.equals(tx.get(readKeys.get(i)), readValues.get(i))) {
                return Outcome.CONFLICT;
            }
        }
        for (ScanRead scan : scans) {
            if (!ScanCodec.sameEntries(tx.scan(scan.from, scan.to, scan.fetchLimit), scan.committed)) {
                return Outcome.CONFLICT;
            }
        }
        return Outcome.OK;
    }

    private void applyWrites(StoreTransaction tx) {
        for (Map.Entry<byte[], byte[]> write : writes.entrySet()) {
            if (write.getValue() == TOMBSTONE) {
                tx.delete(write.getKey());
            } else {
                tx.put(write.getKey(), write.getValue());
            }
        }
    }

    private void stopUnless(Outcome outcome) {
        switch (outcome) {
            case OK -> { }
            case FENCED -> stop(new ControlFlow.Fenced(fencedBy));
            case DIVERGED -> stop(new ControlFlow.ReplayRequired(true));
            case CONFLICT -> stop(new ControlFlow.ReplayRequired(false));
        }
    }

    private void stop(ControlFlow flow) {
        stopped = flow;
        throw flow;
    }

    private void clearSegment() {
        pending.clear();
        readKeys.clear();
        readValues.clear();
        scans.clear();
        writes.clear();
    }
}
