package dev.mu2sls.core;

import dev.mu2sls.RetryPolicy;
import dev.mu2sls.ServiceCallException;
import dev.mu2sls.spi.Codec;
import dev.mu2sls.spi.EffectBody;
import dev.mu2sls.spi.ExecutionContext;
import dev.mu2sls.spi.MethodRef;
import dev.mu2sls.spi.PendingCall;
import dev.mu2sls.spi.TransactionHandle;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What a generated client calls through outside any service (a test, a tool, another
 * application): each synchronous call is one client request with a fresh id, answered with its
 * recorded response, so nobody writes JSON arguments by hand.
 *
 * <pre>{@code
 * CounterClient counter = new CounterClient(ClientContext.of(engine));
 * long value = counter.add("k", 1);
 * }</pre>
 *
 * Only synchronous calls: async calls, state, transactions, {@code Deterministic} and effects
 * belong to service executions and throw {@link IllegalStateException} here. Thread safe if
 * {@link #send} is.
 */
public abstract class ClientContext implements ExecutionContext {
    private final Codec codec;

    protected ClientContext(Codec codec) {
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    /** Calls through {@code engine}: each call is submitted as a client request with a fresh id. */
    public static ClientContext of(Engine engine) {
        return new ClientContext(engine.codec()) {
            @Override
            protected Response send(String service, String method, byte[] arguments) {
                return engine.submit(new Invocation("client-" + UUID.randomUUID(), service, method, arguments, 0));
            }
        };
    }

    /**
     * Sends one client request and returns its response.
     *
     * @param arguments the arguments as the codec encoded them (a JSON array with the JSON codec)
     */
    protected abstract Response send(String service, String method, byte[] arguments);

    @Override
    public final Object call(MethodRef method, Object[] args) {
        Response response = send(method.service(), method.method(), codec.encodeArguments(method, args));
        if (!response.ok()) {
            throw new ServiceCallException(
                    method.service(), method.method(), response.errorType(), response.errorMessage());
        }
        return codec.decode(response.value(), method.returnType());
    }

    private static IllegalStateException outside(String what) {
        return new IllegalStateException(what + " is available only inside a service execution; a client outside "
                + "services makes synchronous calls (call from several threads to run them concurrently)");
    }

    @Override
    public final PendingCall callAsync(MethodRef method, Object[] args) {
        throw outside("an async call (" + method + ")");
    }

    @Override
    public final Object await(PendingCall call) {
        throw outside("DurableFuture.await()");
    }

    @Override
    public final int awaitAny(List<PendingCall> calls) {
        throw outside("DurableFuture.any()");
    }

    @Override
    public final UUID uuid() {
        throw outside("Deterministic.uuid()");
    }

    @Override
    public final Instant now() {
        throw outside("Deterministic.now()");
    }

    @Override
    public final int version(String changeId, int maxSupported) {
        throw outside("Deterministic.version()");
    }

    @Override
    public final long randomSeed() {
        throw outside("Deterministic.random()");
    }

    @Override
    public final TransactionHandle currentTransaction() {
        return null;
    }

    @Override
    public final TransactionHandle beginTransaction() {
        throw outside("a transaction");
    }

    @Override
    public final void commitTransaction(TransactionHandle transaction) {
        throw outside("a transaction");
    }

    @Override
    public final void abortTransaction(TransactionHandle transaction) {
        throw outside("a transaction");
    }

    @Override
    public final Object effect(String name, Type type, RetryPolicy policy, EffectBody body) {
        throw outside("Effects.run");
    }

    @Override
    public final String requestId() {
        throw outside("RequestContext.requestId()");
    }
}
