package dev.mu2sls.core;

import dev.mu2sls.InvalidRequestException;
import dev.mu2sls.spi.Codec;
import dev.mu2sls.spi.ServiceDefinition;
import dev.mu2sls.store.Store;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * The invocation engine: runs one delivery of a request against the store with the guarantees
 * of its {@link Mode}. It does no I/O of its own: state goes through the {@link Store}, calls
 * to other services through the platform's {@link CallTransport}.
 *
 * <h2>Guarantees (mode EXACTLY_ONCE)</h2>
 * However many deliveries of one request id run, sequentially or concurrently, and wherever
 * they crash, the request's effects are those of one execution and every delivery that returns
 * gets that execution's {@link Response} (G1). Re-executions see the journaled values (G3).
 *
 * <h2>Errors</h2>
 * Bad input is rejected with {@link InvalidRequestException} before anything is read or written
 * (G6). A handler that diverges from its journal raises {@link dev.mu2sls.NondeterminismException}:
 * nothing of the divergent run is applied. {@link InjectedCrash} propagates to the platform, which re-delivers.
 *
 * <h2>Thread safety</h2>
 * Safe for any number of concurrent deliveries.
 */
public final class Engine implements AutoCloseable {
    /** Largest accepted argument payload unless configured: 1 MiB. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1 << 20;
    /** State values cached per engine unless configured. */
    public static final int DEFAULT_STATE_CACHE_ENTRIES = 1 << 16;
    /** How long one execution may act unless configured: longer than any platform's execution timeout. */
    public static final Duration DEFAULT_MAX_EXECUTION_AGE = Duration.ofMinutes(15);
    /** The default of {@link Builder#contentionWait}. */
    public static final Duration DEFAULT_CONTENTION_WAIT = Duration.ofSeconds(1);
    /** The error type of a quarantined request's response when no report of the engine's own names one. */
    public static final String QUARANTINED = "dev.mu2sls.RequestQuarantined";

    private final EngineContext ctx;
    private final RequestRunner runner;
    private final Sweeps sweeps;

    private Engine(EngineSettings settings) {
        this.ctx = settings.context();
        this.runner = new RequestRunner(ctx, settings);
        this.sweeps = new Sweeps(ctx, runner, settings);
        CallTransport deliverer = settings.sendTransport != null ? settings.sendTransport : this::redeliver;
        ctx.timers().start(runner, deliverer, invocation -> settings.deliversHere(invocation, services()));
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs a client request as accepted (G4, G5): once it has any durable effect (a persisted
     * segment, a call sent), its acceptance record is durable too, and {@link #recover()} on the
     * next start re-drives it to completion if the process dies first; one that crashed before
     * any left no trace, and the platform's or client's retry runs it. Platforms use it for client
     * requests on durable stores; calls between services need not (their callers re-drive them).
     *
     * @throws InvalidRequestException for bad input; nothing was recorded
     */
    public Response submit(Invocation invocation) {
        return EngineStore.outsideHandler(() -> runner.submit(invocation));
    }

    /**
     * Re-drives every accepted request that did not complete (after a crash of the whole
     * process), delivers the one-way sends and timers due ({@link #fireTimers()}), and expires
     * abandoned transactions. Platforms call it on start, whether or not the store's other users
     * run: re-driving is safe either way (G1).
     *
     * @return the number of requests re-driven
     */
    public int recover() {
        return recover(invocation -> runner.run(invocation, Acceptance.RECORDED));
    }

    /**
     * Like {@link #recover()}, but hands each accepted request to {@code redrive} (attempt 1, with a
     * deadline M after a read of its acceptance record: A6) instead of running it here, for platforms
     * that route it to an instance of another process. One that cannot run (it diverges, its method
     * is gone) is quarantined, one that fails now stays accepted for the next recovery.
     *
     * @return the number of requests re-driven
     */
    public int recover(CallTransport redrive) {
        return sweeps.recover(redrive) + ctx.timers().fireDue(redrive);
    }

    /**
     * Runs a delivery of a request the engine recorded for re-delivery (accepted, a one-way send, a
     * due timer), as recovery does; its completion drops that record. For platforms that route them.
     *
     * @throws RequestSuspendedException if the request sleeps on; its timer delivers it again
     */
    public Response redeliver(Invocation invocation) {
        return EngineStore.outsideHandler(() -> runner.run(invocation, Acceptance.RECORDED));
    }

    /**
     * The timer driver: delivers every one-way send and sleeping request due on the store clock that
     * no one delivered yet, each exactly once (G1). Platforms call it about every second.
     *
     * @return the number delivered
     */
    public int fireTimers() {
        return ctx.timers().fireDue();
    }

    /** Like {@link #fireTimers()}, handing each to {@code redrive} as {@link #recover(CallTransport)} does. */
    public int fireTimers(CallTransport redrive) {
        return ctx.timers().fireDue(redrive);
    }

    /**
     * Runs one delivery of {@code invocation} and returns the request's recorded response.
     *
     * @throws InvalidRequestException for bad input; nothing was changed
     * @throws dev.mu2sls.NondeterminismException if a re-execution diverged from the journal
     * @throws InjectedCrash if the fault plan crashed this delivery; the platform re-delivers
     */
    public Response invoke(Invocation invocation) {
        return EngineStore.outsideHandler(() -> runner.run(invocation, Acceptance.NONE));
    }

    /**
     * Ends a request that cannot complete (it diverges on replay, or a platform gave up delivering
     * it): its record becomes a quarantined response carrying the report, which every later
     * delivery gets; its acceptance record is dropped, so recovery goes on without it; its journal
     * stays for the operator until the response expires. What its segments applied stays applied;
     * a request that completed meanwhile keeps its response.
     *
     * @param errorType the error type clients see (e.g. {@link #QUARANTINED})
     * @return the request's response from now on
     */
    public Response quarantine(Invocation invocation, String errorType, String report) {
        return runner.quarantine(invocation, errorType, report);
    }

    /**
     * Resolves a service by name, as call-by-name does.
     *
     * @throws InvalidRequestException naming the unknown service and what exists
     */
    public ServiceDefinition resolve(String serviceName) {
        return runner.services().runtime(serviceName).definition();
    }

    /**
     * Drops recorded responses once no execution can consult them any more (the retention plus
     * twice the maximum execution age: A5, A6), with the records of every call, transaction and
     * journal under their request's id (docs/architecture.md, "What the engine deletes").
     * Platforms call it periodically (about every tenth of the retention); it sweeps in batches.
     *
     * @return the number of responses dropped
     */
    public int expireResponses() {
        return sweeps.expireResponses();
    }

    /**
     * Aborts transactions abandoned past their lease (their coordinator crashed and never ran
     * again) and drops their provisional records; platforms call it periodically. An ended
     * transaction's status goes with its client request's response ({@link #expireResponses()}):
     * a participant that stalled past the lease must still find it ended, never start it afresh.
     *
     * @return the number of transactions expired
     */
    public int expireTransactions() {
        return sweeps.expireTransactions();
    }

    /** Counters since start. */
    public EngineStats stats() {
        return ctx.counters().snapshot(ctx.store().stateCache(), ctx.intents(), ctx.remoteWrites());
    }

    /** The services this engine runs, by name. */
    public Map<String, ServiceDefinition> services() {
        return runner.services().definitions();
    }

    public Mode mode() {
        return ctx.mode();
    }

    /** How long a transaction may stay pending before {@link #expireTransactions()} aborts it. */
    public Duration transactionLease() {
        return sweeps.transactionLease();
    }

    /** How long a recorded response is kept ({@link #expireResponses()} drops older ones). */
    public Duration responseRetention() {
        return sweeps.responseRetention();
    }

    public Codec codec() {
        return ctx.codec();
    }

    @Override
    public void close() {
        ctx.timers().close();
        ctx.asyncCalls().shutdownNow();
    }

    /** Configures an {@link Engine}; everything is registered before start (fail fast after). */
    public static final class Builder {
        private final EngineSettings settings = new EngineSettings();

        private Builder() {}

        /** The store all services share (required). */
        public Builder store(Store store) {
            settings.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** The value codec (required; {@code mu2sls-json} provides one). */
        public Builder codec(Codec codec) {
            settings.codec = Objects.requireNonNull(codec, "codec");
            return this;
        }

        /** How calls to other services are delivered (required when services call each other). */
        public Builder transport(CallTransport transport) {
            settings.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /**
         * Which calls {@link #transport} delivers to this engine, in-process and on the calling
         * thread (default: none). A participant of a transaction this engine coordinates, called
         * so, completes with the transaction's commit: its reads are validated and its writes
         * applied by that commit, with no provisional records and no store transaction of its own
         * (docs/architecture.md, "Transactions"). Correctness needs only that a call said to stay
         * here runs here, on the caller's thread, or not at all.
         */
        public Builder inProcessCalls(Predicate<Invocation> inProcess) {
            settings.inProcessCalls = Objects.requireNonNull(inProcess, "inProcess");
            return this;
        }

        /**
         * How one-way sends and due timers reach an instance that runs them with {@link Engine#redeliver}
         * (default: run here if this engine has the service, else left to {@link Engine#fireTimers(CallTransport)}).
         */
        public Builder sendTransport(CallTransport transport) {
            settings.sendTransport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        public Builder faults(FaultInjector faults) {
            settings.faults = Objects.requireNonNull(faults, "faults");
            return this;
        }

        public Builder entropy(Entropy entropy) {
            settings.entropy = Objects.requireNonNull(entropy, "entropy");
            return this;
        }

        /** The clock of deadlines, completion times, retention and leases (default: the store's, which all share). */
        public Builder clock(InstantSource clock) {
            settings.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder listener(ExecutionListener listener) {
            settings.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** What the engine reports its work to, for metrics, traces and logs (default none). */
        public Builder observer(EngineObserver observer) {
            settings.observer = Objects.requireNonNull(observer, "observer");
            return this;
        }

        public Builder mode(Mode mode) {
            settings.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** How long a recorded response is kept for deduplication (default 24 hours). */
        public Builder responseRetention(Duration retention) {
            settings.responseRetention = EngineSettings.positive(retention, "response retention");
            return this;
        }

        /**
         * How long one execution may act (default 15 minutes): past it, it persists nothing and
         * sends no call, and the platform's next delivery starts afresh (A6). Must exceed the
         * platform's execution timeout, or long handlers never finish.
         */
        public Builder maxExecutionAge(Duration age) {
            settings.maxExecutionAge = EngineSettings.positive(age, "maximum execution age");
            return this;
        }

        /**
         * How long a transaction may stay pending before {@link #expireTransactions()} aborts it as
         * abandoned (default 30 s). Abandoned transactions block no one meanwhile; the lease only
         * bounds how long their provisional records are kept.
         */
        public Builder transactionLease(Duration lease) {
            settings.transactionLease = EngineSettings.positive(lease, "transaction lease");
            return this;
        }

        /** Largest accepted argument payload in bytes (default 1 MiB). */
        public Builder maxPayloadBytes(int maxPayloadBytes) {
            settings.maxPayloadBytes =
                    EngineSettings.checked(maxPayloadBytes > 0, maxPayloadBytes, "maximum payload must be positive");
            return this;
        }

        /**
         * How many state values the engine keeps from its reads and commits to serve reads without the store
         * (default 65,536; 0: off). A stale one is found when its read is validated (the execution replays).
         */
        public Builder stateCacheEntries(int entries) {
            settings.stateCacheEntries =
                    EngineSettings.checked(entries >= 0, entries, "state cache entries must be 0 (off) or positive");
            return this;
        }

        /**
         * The longest a read waits for another execution of this engine that wrote the key to
         * apply the write (default 1 s; zero: never wait): a transaction this engine coordinates to
         * end, or its writes outside a transaction to persist. Reading the value that write
         * replaces would only fail validation (a transaction's conflict, or a replay); waiting
         * instead turns contention on hot keys into short waits. A read of a key a participant here
         * wrote into a transaction coordinated in another process waits for that one to end at most
         * a fifth of this, since this engine cannot see the cycles such waits may close. Correctness
         * never depends on it.
         */
        public Builder contentionWait(Duration wait) {
            if (wait.isNegative()) {
                throw new IllegalArgumentException("contention wait must be zero (off) or positive: " + wait);
            }
            settings.contentionWait = wait;
            return this;
        }

        /**
         * The application version this engine runs (default undeclared), recorded with what it runs; a
         * request another version ran is refused while {@code alive(service, version)}: {@link MisdirectedRequestException}.
         */
        public Builder applicationVersion(String version, BiPredicate<String, String> alive) {
            settings.applicationVersion = EngineSettings.version(version);
            settings.liveVersions = Objects.requireNonNull(alive, "alive");
            return this;
        }

        public Builder service(ServiceDefinition definition) {
            settings.services.add(Objects.requireNonNull(definition, "definition"));
            return this;
        }

        public Builder services(Iterable<? extends ServiceDefinition> definitions) {
            definitions.forEach(this::service);
            return this;
        }

        /** Registers every service generated on the class path ({@code META-INF/services}). */
        public Builder discoverServices() {
            ServiceLoader.load(ServiceDefinition.class).forEach(this::service);
            return this;
        }

        public Engine build() {
            return new Engine(settings.validated());
        }
    }
}
