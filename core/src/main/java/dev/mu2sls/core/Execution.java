package dev.mu2sls.core;

import dev.mu2sls.InvalidRequestException;
import dev.mu2sls.NondeterminismException;
import dev.mu2sls.RetryPolicy;
import dev.mu2sls.spi.Contexts;
import dev.mu2sls.spi.EffectBody;
import dev.mu2sls.spi.ExecutionContext;
import dev.mu2sls.spi.MethodRef;
import dev.mu2sls.spi.PendingCall;
import dev.mu2sls.spi.TransactionHandle;
import dev.mu2sls.store.CommitHold;
import dev.mu2sls.store.KeyValue;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One run of a request's handler under the exactly-once protocol (DESIGN §4): the steps it takes
 * ({@link StepLog}; state and drawn values in {@link StateSteps}, calls in {@link CallSteps},
 * transactions in {@link TransactionSteps}, sends and sleeps in {@link SendSteps}, effects in
 * {@link EffectSteps}), whose {@link Segment}s a {@link SegmentWriter} persists.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>The segment is persisted in one {@link SegmentCommit} before anything leaves the
 *       execution (a call) and at completion. That commit checks the request record: completed
 *       means this execution is a zombie and is fenced (G1); a journal length other than ours
 *       means another execution got further and we replay from the store; a read value that
 *       changed means we replay from our journal. So the state operations of a segment are atomic.
 *   <li>Past its deadline an execution persists nothing and sends no call (A6).
 * </ul>
 */
final class Execution implements ExecutionContext, StateAccess {
    private static final MethodHandles.Lookup SELF = MethodHandles.lookup();

    private final EngineContext ctx;
    private final Invocation invocation;
    private final ServiceRuntime service;
    private final MethodRef method;
    /** The request's digest (service, method, arguments), stored with its record. */
    private final byte[] digest;
    /**
     * Store-clock time after which this execution persists nothing and sends no call (A6): a
     * zombie that outlives it cannot act on records that retention may have deleted.
     */
    private final long deadline;

    private final StepLog log;
    private final Segment segment = new Segment();
    private final SegmentCommit commit;
    private final TransactionSteps transactions;
    private final StateSteps state;
    private final CallSteps calls;
    private final EffectSteps effects;
    private final SendSteps sends;
    private final SegmentWriter writer;
    private final VersionSteps versions;
    /**
     * Other threads' commits held back for this execution's first segment (see
     * {@code Store.holdCommits}): released once the segment is persisted, and before any call or
     * await, which may wait for another thread's commit.
     */
    private final CommitHold hold;
    /** What this execution's delivery writes in the request record beside the fence. */
    private final DeliveryStamp stamp;
    /** Whether this is the first execution of a first delivery, which did not read its request record. */
    private final boolean firstOfFirstDelivery;

    Execution(
            EngineContext ctx,
            Invocation invocation,
            ServiceRuntime service,
            MethodRef method,
            byte[] digest,
            long deadline,
            StoredJournal stored,
            AsyncCalls asyncCalls,
            Acceptance acceptance,
            CommitHold hold,
            DeliveryStamp stamp,
            EngineObserver.Attempt attempt) {
        this.hold = hold;
        this.stamp = stamp;
        this.firstOfFirstDelivery = stored == StoredJournal.UNCHECKED;
        this.ctx = ctx;
        this.invocation = invocation;
        this.service = service;
        this.method = method;
        this.digest = digest;
        this.deadline = deadline;
        this.commit = new SegmentCommit(
                ctx, invocation, digest, deadline, ThreadLocalRandom.current().nextLong() | 1, stamp);
        this.log = new StepLog(invocation, service.name(), method.method(), ctx.faults(), attempt, stored);
        this.transactions = new TransactionSteps(this, ctx, log, segment);
        // a persisted journal was persisted with the acceptance record (see Acceptance.PENDING)
        this.writer = new SegmentWriter(
                ctx,
                invocation,
                log,
                segment,
                commit,
                transactions,
                hold,
                acceptance == Acceptance.PENDING && !stored.entries().isEmpty() ? Acceptance.RECORDED : acceptance);
        this.state = new StateSteps(ctx, log, segment, transactions, hold::release);
        this.calls = new CallSteps(this, ctx, log, asyncCalls, transactions, stored == StoredJournal.UNCHECKED);
        this.effects = new EffectSteps(this, ctx, log, calls, service.instance());
        this.versions = new VersionSteps(log);
        this.sends = new SendSteps(
                this,
                ctx,
                log,
                segment,
                transactions,
                acceptance != Acceptance.NONE || invocation.requestId().indexOf('/') < 0);
    }

    /** The persisted journal as this execution knows it, for a replay after a conflict. */
    StoredJournal persisted() {
        return log.snapshot();
    }

    /** Runs the handler to completion and records its response. */
    Response run(Object[] args) {
        try {
            return runHandler(args);
        } finally {
            transactions.stopped();
        }
    }

    private Response runHandler(Object[] args) {
        Response response;
        try {
            Object result = EngineStore.underHandler(
                    log,
                    () -> Contexts.runAs(
                            SELF, this, () -> service.definition().invoke(service.instance(), method.index(), args)));
            log.rethrowIfStopped();
            response = Response.success(ctx.codec().encode(result, method.returnType()));
        } catch (ControlFlow | NondeterminismException flow) {
            throw flow;
        } catch (Exception failure) {
            log.rethrowIfStopped();
            if (failure instanceof InvalidRequestException invalid
                    && invalid.reason() == InvalidRequestException.Reason.STATE_LIMIT_EXCEEDED) {
                throw invalid; // the request, not the handler, is at fault: refused (400), not recorded as its response
            }
            response = Response.failure(failure.getClass().getName(), failure.getMessage());
            segment.discardWrites(); // the failure is the response; what the throwing segment wrote is not applied
        }
        String leftOpen = transactions.abortLeftOpen();
        if (leftOpen != null && response.ok()) {
            response = Response.failure(
                    IllegalStateException.class.getName(),
                    where() + " returned while " + leftOpen
                            + " was still open; it was aborted. Commit or abort every transaction you begin, or use Transaction.run");
        }
        return complete(response);
    }

    // ---- the execution context: steps ------------------------------------------------------------

    @Override
    public boolean owns(String serviceName) {
        return service.name().equals(serviceName);
    }

    @Override
    public byte[] get(byte[] key) {
        return state.get(key);
    }

    @Override
    public boolean contains(byte[] key) {
        return state.contains(key);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        state.put(key, value);
    }

    @Override
    public void remove(byte[] key) {
        state.remove(key);
    }

    @Override
    public List<KeyValue> scan(byte[] from, byte[] to, int limit) {
        return state.scan(from, to, limit);
    }

    @Override
    public UUID uuid() {
        return state.uuid();
    }

    @Override
    public Instant now() {
        return state.now();
    }

    @Override
    public long randomSeed() {
        return state.randomSeed();
    }

    @Override
    public int version(String changeId, int maxSupported) {
        return versions.version(changeId, maxSupported);
    }

    // A call or await may wait for another thread's commit: the hold is released first.

    @Override
    public Object call(MethodRef callee, Object[] args) {
        hold.release();
        return calls.call(callee, args);
    }

    @Override
    public PendingCall callAsync(MethodRef callee, Object[] args) {
        hold.release();
        return calls.callAsync(callee, args);
    }

    @Override
    public Object await(PendingCall pendingCall) {
        hold.release();
        return calls.await(pendingCall);
    }

    @Override
    public int awaitAny(List<PendingCall> pendingCalls) {
        hold.release();
        return calls.awaitAny(pendingCalls);
    }

    @Override
    public Object effect(String name, Type type, RetryPolicy policy, EffectBody body) {
        hold.release();
        return effects.run(name, type, policy, body);
    }

    @Override
    public String requestId() {
        return invocation.requestId();
    }

    @Override
    public void send(MethodRef callee, Object[] args, Duration delay) {
        hold.release();
        sends.send(callee, args, delay);
    }

    @Override
    public void sleep(Duration duration) {
        hold.release();
        sends.sleep(duration);
    }

    @Override
    public TransactionHandle currentTransaction() {
        return transactions.open();
    }

    @Override
    public TransactionHandle beginTransaction() {
        return transactions.begin();
    }

    @Override
    public void commitTransaction(TransactionHandle handle) {
        transactions.commit(handle);
    }

    @Override
    public void abortTransaction(TransactionHandle handle) {
        transactions.abort(handle);
    }

    // ---- for the steps ---------------------------------------------------------------------------

    /**
     * Whether this is the first execution of a first delivery: as far as this process knows, no
     * earlier execution of the request ran, so none called its callees.
     */
    boolean firstOfFirstDelivery() {
        return firstOfFirstDelivery;
    }

    Invocation invocation() {
        return invocation;
    }

    long deadline() {
        return deadline;
    }

    byte[] digest() {
        return digest;
    }

    DeliveryStamp stamp() {
        return stamp;
    }

    SegmentCommit segmentCommit() {
        return commit;
    }

    /** {@code Service.method}, for messages. */
    String where() {
        return service.name() + "." + method.method();
    }

    /** A zombie past its deadline sends nothing: the records of what it would call may be gone (A6). */
    void checkDeadline() {
        if (commit.expired()) {
            throw log.stop(new ControlFlow.Expired());
        }
    }

    SegmentWriter persistence() {
        return writer;
    }

    /** Records the response, unless the handler only called (then every execution computes it alike). */
    private Response complete(Response response) {
        log.checkReturn(String.valueOf(method));
        calls.awaitUnawaited();
        if (!log.impure() && log.persistedLength() == 0 && writer.acceptance() == Acceptance.NONE) {
            // Only calls: every execution computes this response from the callees' recorded
            // responses, so there is nothing to record or fence (W2's Caller1 and Caller2). Its
            // deadline still holds: a response computed after it may rest on calls re-run fresh.
            checkDeadline();
            return response;
        }
        return writer.complete(response);
    }
}
