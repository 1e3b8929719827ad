package dev.mu2sls.spec;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.InvalidRequestException;
import dev.mu2sls.InvalidRequestException.Reason;
import dev.mu2sls.ServiceCallException;
import dev.mu2sls.TransactionAbortedException;
import dev.mu2sls.core.Response;
import dev.mu2sls.spi.Codec;
import dev.mu2sls.spi.Contexts;
import dev.mu2sls.spi.ExecutionContext;
import dev.mu2sls.spi.MethodRef;
import dev.mu2sls.spi.PendingCall;
import dev.mu2sls.spi.ServiceDefinition;
import dev.mu2sls.spi.TransactionHandle;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The specification of an application: its service classes run as plain sequential objects, in
 * memory, one request at a time, with no journal, no store and no faults (DESIGN §7). Values are
 * still copied through the codec, and steps are counted as the engine counts them, so call ids
 * and choices line up with an implementation run.
 *
 * <p>Not thread safe: a spec is sequential by definition.
 */
public final class SpecRunner {
    private final Codec codec;
    private final Choices choices;
    private final Map<String, ServiceDefinition> definitions = new LinkedHashMap<>();
    private final Map<String, Object> instances = new LinkedHashMap<>();
    private final SortedMap<String, SpecState> states = new TreeMap<>();
    /** The open transaction; the spec is sequential, so there is at most one, spanning services. */
    private SpecTransaction open;

    public SpecRunner(Iterable<? extends ServiceDefinition> services, Codec codec, Choices choices) {
        this.codec = codec;
        this.choices = choices;
        for (ServiceDefinition definition : services) {
            SpecState state = new SpecState(definition.name(), codec);
            definitions.put(definition.name(), definition);
            states.put(definition.name(), state);
            instances.put(definition.name(), definition.newInstance(state));
        }
    }

    /** Runs one client request to completion and returns its response. */
    public Response call(String requestId, String service, String method, String jsonArguments) {
        return call(requestId, service, method, jsonArguments.getBytes(UTF_8));
    }

    /** Runs one request (a client's or a nested call) to completion. */
    public Response call(String requestId, String service, String method, byte[] arguments) {
        ServiceDefinition definition = definitions.get(service);
        if (definition == null) {
            throw new InvalidRequestException(Reason.UNKNOWN_SERVICE, service, method, "unknown service '" + service + "'");
        }
        MethodRef ref = definition.method(method);
        if (ref == null) {
            throw new InvalidRequestException(Reason.UNKNOWN_METHOD, service, method,
                    "service " + service + " has no method '" + method + "'");
        }
        Object[] args = codec.decodeArguments(ref, arguments);
        Context context = new Context(requestId);
        try {
            Object result = ScopedValue.where(Contexts.CURRENT, context)
                    .call(() -> definition.invoke(instances.get(service), ref.index(), args));
            return Response.success(codec.encode(result, ref.returnType()));
        } catch (Exception failure) {
            return Response.failure(failure.getClass().getName(), failure.getMessage());
        }
    }

    /** All state, rendered as {@code Engine.dumpState()} renders it. */
    public SortedMap<String, String> dumpState() {
        SortedMap<String, String> dump = new TreeMap<>();
        states.values().forEach(state -> state.dumpInto(dump));
        return dump;
    }

    /**
     * A transaction in the spec: an atomic multi-service step. Sequential execution makes it
     * isolated; abort restores the state of every service as it was at begin.
     */
    private final class SpecTransaction implements TransactionHandle {
        final String id;
        final Context owner;
        final Map<String, SpecState.Snapshot> before = new LinkedHashMap<>();
        final java.util.Set<Done> unawaited = new java.util.HashSet<>();
        boolean isOpen = true;
        boolean abortedByParticipant;

        SpecTransaction(String id, Context owner) {
            this.id = id;
            this.owner = owner;
            states.forEach((name, state) -> before.put(name, state.snapshot()));
        }

        void rollBack() {
            before.forEach((name, snapshot) -> states.get(name).restore(snapshot));
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public boolean isOpen() {
            return isOpen;
        }
    }

    private Object unwrap(MethodRef callee, Response response) {
        if (!response.ok()) {
            throw new ServiceCallException(callee.service(), callee.method(), response.errorType(), response.errorMessage());
        }
        return codec.decode(response.value(), callee.returnType());
    }

    /** A spec execution: counts steps like the engine, runs calls immediately. */
    final class Context implements ExecutionContext {
        private final String requestId;
        private int step;

        Context(String requestId) {
            this.requestId = requestId;
        }

        int nextStep() {
            return step++;
        }

        @Override
        public Object call(MethodRef callee, Object[] args) {
            int s = nextStep();
            return unwrap(callee, invokeChild(s, callee, args));
        }

        private Response invokeChild(int s, MethodRef callee, Object[] args) {
            return SpecRunner.this.call(requestId + "/" + s, callee.service(), callee.method(),
                    codec.encodeArguments(callee, args));
        }

        @Override
        public PendingCall callAsync(MethodRef callee, Object[] args) {
            int s = nextStep();
            Done done = new Done(callee, invokeChild(s, callee, args), this);
            if (open != null && open.isOpen && open.owner == this) {
                open.unawaited.add(done);
            }
            return done;
        }

        @Override
        public Object await(PendingCall call) {
            nextStep();
            Done done = (Done) call;
            if (open != null) {
                open.unawaited.remove(done);
            }
            return unwrap(done.method, done.response);
        }

        @Override
        public int awaitAny(List<PendingCall> calls) {
            return choices.any(requestId, nextStep(), calls.size());
        }

        @Override
        public UUID uuid() {
            return choices.uuid(requestId, nextStep());
        }

        @Override
        public TransactionHandle currentTransaction() {
            return open != null && open.isOpen ? open : null;
        }

        @Override
        public TransactionHandle beginTransaction() {
            if (open != null && open.isOpen) {
                return open;
            }
            int s = nextStep();
            open = new SpecTransaction(requestId + "/" + s, this);
            return open;
        }

        @Override
        public void commitTransaction(TransactionHandle handle) {
            SpecTransaction tx = openOne(handle, "commit");
            if (tx.owner != this) {
                return;
            }
            if (!tx.unawaited.isEmpty()) {
                throw new IllegalStateException("cannot commit " + tx.id + ": calls made inside it were never awaited");
            }
            nextStep();
            tx.isOpen = false;
            open = null;
            if (tx.abortedByParticipant) {
                tx.rollBack();
                throw new TransactionAbortedException(tx.id, "transaction " + tx.id
                        + " was aborted by a service called inside it; nothing it wrote was applied");
            }
        }

        @Override
        public void abortTransaction(TransactionHandle handle) {
            SpecTransaction tx = openOne(handle, "abort");
            nextStep();
            if (tx.owner != this) {
                tx.abortedByParticipant = true;
                return;
            }
            tx.isOpen = false;
            open = null;
            tx.rollBack();
        }

        private SpecTransaction openOne(TransactionHandle handle, String action) {
            if (handle != open || open == null || !open.isOpen) {
                throw new IllegalStateException("cannot " + action + " " + handle + ": it is not the open transaction");
            }
            return open;
        }

        @Override
        public Instant now() {
            return choices.now(requestId, nextStep());
        }

        @Override
        public long randomSeed() {
            return choices.randomSeed(requestId, nextStep());
        }
    }

    /** A call the spec already ran; identity matters (one per call), so not a record. */
    private static final class Done implements PendingCall {
        final MethodRef method;
        final Response response;

        Done(MethodRef method, Response response, Context owner) {
            this.method = method;
            this.response = response;
        }

        @Override
        public MethodRef method() {
            return method;
        }
    }
}
