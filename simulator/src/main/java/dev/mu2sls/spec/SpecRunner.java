package dev.mu2sls.spec;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.Deterministic;
import dev.mu2sls.EffectFailedException;
import dev.mu2sls.InvalidRequestException;
import dev.mu2sls.InvalidRequestException.Reason;
import dev.mu2sls.RetryPolicy;
import dev.mu2sls.ServiceCallException;
import dev.mu2sls.TransactionAbortedException;
import dev.mu2sls.core.Response;
import dev.mu2sls.spi.Codec;
import dev.mu2sls.spi.Contexts;
import dev.mu2sls.spi.EffectBody;
import dev.mu2sls.spi.ExecutionContext;
import dev.mu2sls.spi.MethodRef;
import dev.mu2sls.spi.PendingCall;
import dev.mu2sls.spi.ServiceDefinition;
import dev.mu2sls.spi.TransactionHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.HashMap;
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
    private final SpecLog log;
    /** The open transaction; the spec is sequential, so there is at most one, spanning services. */
    private SpecTransaction open;
    /** One-way sends recorded and not yet run: the spec runs them after the client request that sent them. */
    private final java.util.ArrayDeque<QueuedSend> sends = new java.util.ArrayDeque<>();
    /** How many requests are running, nested: 1 for a client request (or a send) alone. */
    private int depth;

    private boolean draining;

    /** A one-way send, run as a request of its own (id {@code sender/step}). */
    private record QueuedSend(String requestId, MethodRef method, byte[] arguments) {}

    public SpecRunner(Iterable<? extends ServiceDefinition> services, Codec codec, Choices choices) {
        this.codec = codec;
        this.choices = choices;
        this.log = new SpecLog(codec);
        for (ServiceDefinition definition : services) {
            SpecState state = new SpecState(definition.name(), codec, log);
            definitions.put(definition.name(), definition);
            states.put(definition.name(), state);
            instances.put(definition.name(), definition.newInstance(state));
        }
    }

    /**
     * Runs one client request to completion and returns its response; then the one-way sends it
     * made (and theirs), each exactly once, none from an aborted transaction.
     */
    public Response call(String requestId, String service, String method, String jsonArguments) {
        return call(requestId, service, method, jsonArguments.getBytes(UTF_8));
    }

    /** Runs one request (a client's or a nested call) to completion; a client's sends after it. */
    public Response call(String requestId, String service, String method, byte[] arguments) {
        Response response = run(requestId, service, method, arguments);
        if (depth == 0 && !draining) {
            draining = true;
            try {
                while (!sends.isEmpty()) {
                    QueuedSend send = sends.poll();
                    run(send.requestId(), send.method().service(), send.method().method(), send.arguments());
                }
            } finally {
                draining = false;
            }
        }
        return response;
    }

    private Response run(String requestId, String service, String method, byte[] arguments) {
        ServiceDefinition definition = definitions.get(service);
        if (definition == null) {
            throw new InvalidRequestException(
                    Reason.UNKNOWN_SERVICE, service, method, "unknown service '" + service + "'");
        }
        MethodRef ref = definition.method(method);
        if (ref == null) {
            throw new InvalidRequestException(
                    Reason.UNKNOWN_METHOD, service, method, "service " + service + " has no method '" + method + "'");
        }
        Object[] args = codec.decodeArguments(ref, arguments);
        log.requestBegun();
        try {
            return run(requestId, service, method, definition, ref, args);
        } finally {
            log.requestEnded();
        }
    }

    private Response run(
            String requestId,
            String service,
            String method,
            ServiceDefinition definition,
            MethodRef ref,
            Object[] args) {
        Context context = new Context(requestId);
        Response response;
        depth++;
        try {
            Object result = context.bound(() -> definition.invoke(instances.get(service), ref.index(), args));
            response = Response.success(codec.encode(result, ref.returnType()));
        } catch (Exception failure) {
            response = Response.failure(failure.getClass().getName(), failure.getMessage());
            log.rollBack(context.segmentStart); // as the engine does: the throwing segment's writes are not applied
        } finally {
            depth--;
        }
        if (open != null && open.isOpen && open.owner == context) {
            // as the engine does: a transaction its owner left open is aborted
            String id = open.id;
            open.end(true);
            if (response.ok()) {
                response = Response.failure(
                        IllegalStateException.class.getName(),
                        service + "." + method
                                + " returned while " + id + " was still open; it was aborted. Commit or abort every "
                                + "transaction you begin, or use Transaction.run");
            }
        }
        return response;
    }

    /**
     * A point to come back to with {@link #restore}: what a checker searching for a serial order
     * takes before trying a request. Taking one costs nothing; from then on the runner keeps an
     * undo entry per write.
     *
     * @throws IllegalStateException inside a request (between client requests only)
     */
    public Snapshot snapshot() {
        if (open != null) {
            throw new IllegalStateException("cannot snapshot the spec while transaction " + open.id + " is open");
        }
        log.snapshotTaken();
        return new Snapshot(this, log.position(), log.hash());
    }

    /**
     * Returns every service's state to what it was at {@code snapshot}, undoing the writes made
     * since (in time proportional to their number). Snapshots nest: restoring one invalidates the
     * snapshots taken after it, and keeps it and the ones before it valid.
     *
     * @throws IllegalArgumentException if {@code snapshot} belongs to another runner
     * @throws IllegalStateException if a snapshot taken earlier was already restored past it
     */
    public void restore(Snapshot snapshot) {
        if (snapshot.owner != this) {
            throw new IllegalArgumentException("snapshot belongs to another spec runner");
        }
        log.rollBack(snapshot.position);
        if (log.hash() != snapshot.hash) {
            throw new IllegalStateException(
                    "spec state after restore differs from the snapshot; was the state changed outside a request?");
        }
    }

    /**
     * A 64-bit hash of all state, equal for equal states whatever the order of the writes that
     * made them (maintained write by write, so free to read): what a checker memoizes on.
     */
    public long stateHash() {
        return log.hash();
    }

    /**
     * Sets the state this run is heading for (the implementation's final state, rendered as
     * {@code Inspector.dumpState()} renders it): from then on {@link #matchesTarget()} and
     * {@link #entriesMatchingTarget()} are maintained write by write, at no cost to read.
     */
    public void target(SortedMap<String, String> state) {
        log.target(state, dumpState());
    }

    /** Whether the state equals the {@link #target} (up to 64-bit hash collisions; confirm with {@link #dumpState()}). */
    public boolean matchesTarget() {
        return log.matchesTarget();
    }

    /** How many entries of the state equal the {@link #target}'s: how close a step brings the state to it. */
    public int entriesMatchingTarget() {
        return log.matching();
    }

    /**
     * Starts (or stops) collecting the state keys written, for {@link #takeWrites()}: what a
     * checker compares with the keys the implementation wrote.
     */
    public void collectWrites(boolean on) {
        log.collectWrites(on);
    }

    /**
     * The state keys written since the last call (including writes a transaction abort undid),
     * rendered as {@code Inspector.dumpState()} renders them; empty unless collecting.
     */
    public List<String> takeWrites() {
        return log.takeWrites();
    }

    /** An opaque point in a spec run's history of writes; see {@link SpecRunner#snapshot()}. */
    public static final class Snapshot {
        private final SpecRunner owner;
        private final int position;
        private final long hash;

        private Snapshot(SpecRunner owner, int position, long hash) {
            this.owner = owner;
            this.position = position;
            this.hash = hash;
        }

        /** The {@link SpecRunner#stateHash()} at the time of the snapshot. */
        public long stateHash() {
            return hash;
        }
    }

    /** All state, rendered as {@code Inspector.dumpState()} renders it. */
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
        final int begin;
        final java.util.Set<Done> unawaited = new java.util.HashSet<>();
        /** Sends made inside the transaction: an outbox its commit releases and its abort drops. */
        final List<QueuedSend> outbox = new java.util.ArrayList<>();

        boolean isOpen = true;
        boolean abortedByParticipant;

        SpecTransaction(String id, Context owner) {
            this.id = id;
            this.owner = owner;
            this.begin = log.position();
            log.transactionBegun();
        }

        /** Ends the transaction; on abort, every write made in it (in any service) is undone. */
        void end(boolean abort) {
            isOpen = false;
            open = null;
            if (abort) {
                log.rollBack(begin);
            } else {
                sends.addAll(outbox);
            }
            log.transactionEnded();
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
            throw new ServiceCallException(
                    callee.service(), callee.method(), response.errorType(), response.errorMessage());
        }
        return codec.decode(response.value(), callee.returnType());
    }

    /** A spec execution: counts steps like the engine, runs calls immediately. */
    final class Context implements ExecutionContext {
        private final String requestId;
        private int step;
        /**
         * Where the current segment's writes begin in the log: where the engine last persisted
         * this execution's writes (before a call leaves, at a transaction's begin and end, around
         * an effect). A handler that throws has the writes since undone, as the engine discards them.
         */
        private int segmentStart;
        /** The change ids asked for by {@link #version}, with the answer the first call got. */
        private final Map<String, Integer> versions = new HashMap<>();

        Context(String requestId) {
            this.requestId = requestId;
            this.segmentStart = log.position();
        }

        private void segmentEnded() {
            segmentStart = log.position();
        }

        /** Runs {@code body} with this context bound ({@link Contexts#runAs}: a context binds only itself). */
        <T> T bound(ScopedValue.CallableOp<T, Exception> body) throws Exception {
            return Contexts.runAs(MethodHandles.lookup(), this, body);
        }

        int nextStep() {
            return step++;
        }

        /** Commit and abort take a step where the implementation journals them. */
        private void transactionStep() {
            if (choices.transactionSteps()) {
                nextStep();
            }
        }

        @Override
        public Object call(MethodRef callee, Object[] args) {
            int s = nextStep();
            Response response = invokeChild(s, callee, args);
            segmentEnded();
            return unwrap(callee, response);
        }

        private Response invokeChild(int s, MethodRef callee, Object[] args) {
            return SpecRunner.this.call(
                    requestId + "/" + s, callee.service(), callee.method(), codec.encodeArguments(callee, args));
        }

        @Override
        public PendingCall callAsync(MethodRef callee, Object[] args) {
            int s = nextStep();
            Done done = new Done(callee, invokeChild(s, callee, args), this);
            segmentEnded();
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
        public void send(MethodRef callee, Object[] args, java.time.Duration delay) {
            byte[] arguments = codec.encodeArguments(callee, args);
            QueuedSend send = new QueuedSend(requestId + "/" + nextStep(), callee, arguments);
            segmentEnded(); // the engine persists the segment with the send
            if (open != null && open.isOpen) {
                open.outbox.add(send);
            } else {
                sends.add(send);
            }
        }

        /** Time is not part of the spec: a sleep is a step, checked where the engine checks it. */
        @Override
        public void sleep(java.time.Duration duration) {
            if (depth > 1) {
                throw new IllegalStateException("a request called by another request cannot sleep");
            }
            if (open != null && open.isOpen) {
                throw new IllegalStateException("cannot sleep inside " + open.id);
            }
            nextStep();
            segmentEnded(); // a sleep that suspends persists the segment
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
            int first = choices.transactionSteps() ? nextStep() : step;
            int s = choices.transactionBegin(requestId, first);
            if (s != first) {
                step = s + 1; // the implementation conflicted and ran the body again from step s
            }
            open = new SpecTransaction(requestId + "/" + s, this);
            if (choices.transactionSteps()) {
                segmentEnded();
            }
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
            transactionStep();
            tx.end(tx.abortedByParticipant);
            if (choices.transactionSteps()) {
                segmentEnded();
            }
            if (tx.abortedByParticipant) {
                throw new TransactionAbortedException(
                        tx.id,
                        "transaction " + tx.id
                                + " was aborted by a service called inside it; nothing it wrote was applied");
            }
        }

        @Override
        public void abortTransaction(TransactionHandle handle) {
            SpecTransaction tx = openOne(handle, "abort");
            transactionStep();
            if (tx.owner != this) {
                tx.abortedByParticipant = true;
            } else {
                tx.end(true);
            }
            if (choices.transactionSteps()) {
                segmentEnded();
            }
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

        /** Decided once per change id, taking a step only where the implementation journaled one. */
        @Override
        public int version(String changeId, int maxSupported) {
            return versions.computeIfAbsent(changeId, id -> {
                int version = choices.version(requestId, step, id, maxSupported);
                if (version != Deterministic.DEFAULT_VERSION) {
                    nextStep();
                }
                return version;
            });
        }

        /** The journaled outcome, never the body: the spec does not call out. */
        @Override
        public Object effect(String name, Type type, RetryPolicy policy, EffectBody body) {
            int s = nextStep();
            segmentEnded();
            byte[] outcome = choices.effect(requestId, s);
            if (outcome == null) {
                throw new IllegalStateException(
                        "the spec has no journaled outcome for effect '" + name + "' at step " + s + " of request "
                                + requestId + ", and never runs an effect's body; did the request complete?");
            }
            Response response = Response.fromBytes(outcome);
            if (!response.ok()) {
                throw new EffectFailedException(name, response.errorType(), response.errorMessage());
            }
            return codec.decode(response.value(), type);
        }

        @Override
        public String requestId() {
            return requestId;
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
