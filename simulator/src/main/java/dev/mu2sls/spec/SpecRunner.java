package dev.mu2sls.spec;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.InvalidRequestException;
import dev.mu2sls.InvalidRequestException.Reason;
import dev.mu2sls.ServiceCallException;
import dev.mu2sls.core.Response;
import dev.mu2sls.spi.Codec;
import dev.mu2sls.spi.Contexts;
import dev.mu2sls.spi.ExecutionContext;
import dev.mu2sls.spi.MethodRef;
import dev.mu2sls.spi.PendingCall;
import dev.mu2sls.spi.ServiceDefinition;
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
        Context context = new Context(requestId, service);
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

    private Object unwrap(MethodRef callee, Response response) {
        if (!response.ok()) {
            throw new ServiceCallException(callee.service(), callee.method(), response.errorType(), response.errorMessage());
        }
        return codec.decode(response.value(), callee.returnType());
    }

    /** A spec execution: counts steps like the engine, runs calls immediately. */
    final class Context implements ExecutionContext {
        private final String requestId;
        private final String service;
        private int step;

        Context(String requestId, String service) {
            this.requestId = requestId;
            this.service = service;
        }

        int nextStep() {
            return step++;
        }

        String service() {
            return service;
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
            return new Done(callee, invokeChild(s, callee, args), this);
        }

        @Override
        public Object await(PendingCall call) {
            nextStep();
            Done done = (Done) call;
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
        public Instant now() {
            return choices.now(requestId, nextStep());
        }

        @Override
        public long randomSeed() {
            return choices.randomSeed(requestId, nextStep());
        }
    }

    private record Done(MethodRef method, Response response, Context owner) implements PendingCall {}
}
