package dev.mu2sls.processor;

import dev.mu2sls.spi.Contexts;
import dev.mu2sls.spi.ExecutionContext;
import dev.mu2sls.spi.MethodRef;
import dev.mu2sls.spi.PendingCall;
import dev.mu2sls.spi.ServiceDefinition;
import dev.mu2sls.spi.TransactionHandle;
import java.lang.invoke.MethodHandles;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An execution context that runs every call at once, in this thread, on one service object
 * through its generated dispatcher; records what it was asked to call.
 */
final class DirectContext implements ExecutionContext {
    private final ServiceDefinition definition;
    private final Object service;
    final List<String> calls = new ArrayList<>();

    DirectContext(ServiceDefinition definition, Object service) {
        this.definition = definition;
        this.service = service;
    }

    /** Runs {@code body} with this context bound, as a runtime does around a handler. */
    <T> T bound(ScopedValue.CallableOp<T, Exception> body) throws Exception {
        return Contexts.runAs(MethodHandles.lookup(), this, body);
    }

    private record Done(MethodRef method, Object result) implements PendingCall {}

    @Override
    public Object call(MethodRef method, Object[] args) {
        calls.add("call " + method + " #" + method.index() + " " + List.of(args));
        return invoke(method, args);
    }

    @Override
    public PendingCall callAsync(MethodRef method, Object[] args) {
        calls.add("callAsync " + method + " #" + method.index() + " " + List.of(args));
        return new Done(method, invoke(method, args));
    }

    @Override
    public void send(MethodRef method, Object[] args, java.time.Duration delay) {
        calls.add("send " + method + " #" + method.index() + " " + List.of(args) + " after " + delay);
    }

    private Object invoke(MethodRef method, Object[] args) {
        if (!method.service().equals(definition.name()) || definition.methods().get(method.index()) != method) {
            throw new IllegalArgumentException("unexpected method " + method);
        }
        try {
            return definition.invoke(service, method.index(), args);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Object await(PendingCall call) {
        return ((Done) call).result();
    }

    @Override
    public int awaitAny(List<PendingCall> calls) {
        return 0;
    }

    @Override
    public UUID uuid() {
        return new UUID(0, 1);
    }

    @Override
    public Instant now() {
        return Instant.EPOCH;
    }

    @Override
    public long randomSeed() {
        return 42;
    }

    @Override
    public Object effect(
            String name, java.lang.reflect.Type type, dev.mu2sls.RetryPolicy policy, dev.mu2sls.spi.EffectBody body) {
        try {
            return body.run(name);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String requestId() {
        return "direct";
    }

    @Override
    public TransactionHandle currentTransaction() {
        return null;
    }

    @Override
    public TransactionHandle beginTransaction() {
        throw new UnsupportedOperationException("generated-code tests use no transactions");
    }

    @Override
    public void commitTransaction(TransactionHandle transaction) {
        throw new UnsupportedOperationException("generated-code tests use no transactions");
    }

    @Override
    public void abortTransaction(TransactionHandle transaction) {
        throw new UnsupportedOperationException("generated-code tests use no transactions");
    }
}
