package dev.mu2sls;

import dev.mu2sls.spi.Contexts;
import dev.mu2sls.spi.EffectBody;
import dev.mu2sls.spi.ExecutionContext;
import dev.mu2sls.spi.MethodRef;
import dev.mu2sls.spi.PendingCall;
import dev.mu2sls.spi.TransactionHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The execution context while an effect's body runs: the body may run more than once and is
 * not journaled step by step, so every journaled operation is refused.
 */
final class InsideEffect implements ExecutionContext {
    private static final MethodHandles.Lookup SELF = MethodHandles.lookup();

    private final String effect;
    private final String requestId;

    InsideEffect(String effect, String requestId) {
        this.effect = effect;
        this.requestId = requestId;
    }

    /** Runs an effect's body with this context bound, so that journaled operations in it are refused. */
    <T> T run(ScopedValue.CallableOp<T, Exception> body) throws Exception {
        return Contexts.runAs(SELF, this, body);
    }

    private IllegalStateException refused(String what) {
        return new IllegalStateException(
                what + " cannot be used inside the body of effect '" + effect
                        + "': the body may run more than once and its steps are not journaled; do it before or after Effects.run");
    }

    @Override
    public Object call(MethodRef method, Object[] args) {
        throw refused("a service call (" + method + ")");
    }

    @Override
    public PendingCall callAsync(MethodRef method, Object[] args) {
        throw refused("a service call (" + method + ")");
    }

    @Override
    public Object await(PendingCall call) {
        throw refused("DurableFuture.await()");
    }

    @Override
    public int awaitAny(List<PendingCall> calls) {
        throw refused("DurableFuture.any()");
    }

    @Override
    public UUID uuid() {
        throw refused("Deterministic.uuid()");
    }

    @Override
    public Instant now() {
        throw refused("Deterministic.now()");
    }

    @Override
    public long randomSeed() {
        throw refused("Deterministic.random()");
    }

    @Override
    public int version(String changeId, int maxSupported) {
        throw refused("Deterministic.version()");
    }

    @Override
    public TransactionHandle currentTransaction() {
        throw refused("a transaction");
    }

    @Override
    public TransactionHandle beginTransaction() {
        throw refused("a transaction");
    }

    @Override
    public void commitTransaction(TransactionHandle transaction) {
        throw refused("a transaction");
    }

    @Override
    public void abortTransaction(TransactionHandle transaction) {
        throw refused("a transaction");
    }

    @Override
    public Object effect(String name, Type type, RetryPolicy policy, EffectBody body) {
        throw refused("a nested effect ('" + name + "')");
    }

    /** The request's id stays readable (for logs): it is the same on every execution. */
    @Override
    public String requestId() {
        return requestId;
    }
}
