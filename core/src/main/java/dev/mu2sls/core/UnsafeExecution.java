package dev.mu2sls.core;

import dev.mu2sls.RetryPolicy;
import dev.mu2sls.ServiceCallException;
import dev.mu2sls.spi.Contexts;
import dev.mu2sls.spi.EffectBody;
import dev.mu2sls.spi.ExecutionContext;
import dev.mu2sls.spi.MethodRef;
import dev.mu2sls.spi.PendingCall;
import dev.mu2sls.spi.TransactionHandle;
import dev.mu2sls.store.KeyValue;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A handler run in {@link Mode#UNSAFE}: every operation goes straight to the store, nothing is
 * journaled, nothing deduplicated. What a plain serverful service would do on a serverless
 * platform; the baseline for benchmarks and for showing the checker catching anomalies.
 */
final class UnsafeExecution implements ExecutionContext, StateAccess {
    private static final MethodHandles.Lookup SELF = MethodHandles.lookup();

    private final EngineContext ctx;
    private final Invocation invocation;
    private final ServiceRuntime service;
    private final MethodRef method;
    private int calls;
    private int step;
    private TxContext tx;

    UnsafeExecution(EngineContext ctx, Invocation invocation, ServiceRuntime service, MethodRef method) {
        this.ctx = ctx;
        this.invocation = invocation;
        this.service = service;
        this.method = method;
    }

    Response run(Object[] args) {
        try {
            Object result = Contexts.runAs(
                    SELF, this, () -> service.definition().invoke(service.instance(), method.index(), args));
            return Response.success(ctx.codec().encode(result, method.returnType()));
        } catch (Exception failure) {
            return Response.failure(failure.getClass().getName(), failure.getMessage());
        }
    }

    @Override
    public boolean owns(String serviceName) {
        return service.name().equals(serviceName);
    }

    @Override
    public byte[] get(byte[] key) {
        crashPoint();
        return ctx.store().read(key);
    }

    @Override
    public boolean contains(byte[] key) {
        crashPoint();
        return ctx.store().read(key) != null;
    }

    @Override
    public void put(byte[] key, byte[] value) {
        crashPoint();
        ctx.store().transact(tx -> {
            tx.put(key, value);
            return null;
        });
    }

    @Override
    public void remove(byte[] key) {
        crashPoint();
        ctx.store().transact(tx -> {
            tx.delete(key);
            return null;
        });
    }

    @Override
    public List<KeyValue> scan(byte[] from, byte[] to, int limit) {
        crashPoint();
        return ctx.store().scan(from, to, limit);
    }

    @Override
    public Object call(MethodRef callee, Object[] args) {
        crashPoint();
        return unwrap(callee, ctx.transport().call(child(callee, args)));
    }

    @Override
    public PendingCall callAsync(MethodRef callee, Object[] args) {
        crashPoint();
        Invocation child = child(callee, args);
        return new Async(
                callee, CompletableFuture.supplyAsync(() -> ctx.transport().call(child), Thread.ofVirtual()::start));
    }

    @Override
    public Object await(PendingCall call) {
        Async async = (Async) call;
        try {
            return unwrap(async.method, async.future.join());
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    @Override
    public int awaitAny(List<PendingCall> pending) {
        CompletableFuture<?>[] futures =
                pending.stream().map(p -> ((Async) p).future).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.anyOf(futures).join();
        } catch (CompletionException ignored) {
            // surfaces when awaited
        }
        for (int i = 0; i < futures.length; i++) {
            if (futures[i].isDone()) {
                return i;
            }
        }
        throw new IllegalStateException("anyOf completed with no completed future");
    }

    @Override
    public UUID uuid() {
        return ctx.entropy().uuid();
    }

    @Override
    public Instant now() {
        return ctx.entropy().now();
    }

    @Override
    public long randomSeed() {
        return ctx.entropy().randomSeed();
    }

    /** Nothing is journaled, so no execution replays an older one: the newest version. */
    @Override
    public int version(String changeId, int maxSupported) {
        return maxSupported;
    }

    /** Nothing is journaled: the body runs on every execution, under a key unique to this execution's step. */
    @Override
    public Object effect(String name, Type type, RetryPolicy policy, EffectBody body) {
        crashPoint();
        Response outcome = EffectAttempts.run(
                EffectAttempts.policy(policy, service.instance()),
                EffectSteps.idempotencyKey(invocation, step),
                body,
                ctx.codec(),
                type,
                () -> {});
        return EffectAttempts.unwrap(name, outcome, type, ctx.codec());
    }

    @Override
    public String requestId() {
        return invocation.requestId();
    }

    /** Unsafe executions crash like any other: at each step, with nothing to recover them. */
    private void crashPoint() {
        ctx.faults().at(CrashPoint.STEP, invocation, step++);
    }

    @Override
    public TransactionHandle currentTransaction() {
        return tx != null && tx.isOpen() ? tx : null;
    }

    /** No transactions in unsafe mode: begin, commit and abort only track the handle; abort undoes nothing. */
    @Override
    public TransactionHandle beginTransaction() {
        if (tx == null || !tx.isOpen()) {
            tx = TxContext.noop(invocation.requestId() + "/u" + step);
        }
        return tx;
    }

    @Override
    public void commitTransaction(TransactionHandle transaction) {
        endTransaction(transaction, "commit");
    }

    @Override
    public void abortTransaction(TransactionHandle transaction) {
        endTransaction(transaction, "abort");
    }

    private void endTransaction(TransactionHandle transaction, String action) {
        if (transaction != tx || !tx.isOpen()) {
            throw new IllegalStateException(
                    "cannot " + action + " " + transaction + ": it is not open in this execution");
        }
        tx.close();
    }

    private Invocation child(MethodRef callee, Object[] args) {
        return new Invocation(
                invocation.requestId() + "/u" + calls++,
                callee.service(),
                callee.method(),
                ctx.codec().encodeArguments(callee, args),
                0);
    }

    private Object unwrap(MethodRef callee, Response response) {
        if (!response.ok()) {
            throw new ServiceCallException(
                    callee.service(), callee.method(), response.errorType(), response.errorMessage());
        }
        return ctx.codec().decode(response.value(), callee.returnType());
    }

    private record Async(MethodRef method, CompletableFuture<Response> future) implements PendingCall {}
}
