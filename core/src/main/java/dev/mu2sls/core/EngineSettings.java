package dev.mu2sls.core;

import dev.mu2sls.spi.ApplicationIdentity;
import dev.mu2sls.spi.Codec;
import dev.mu2sls.spi.ServiceDefinition;
import dev.mu2sls.store.Store;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/** What an {@link Engine.Builder} collects, with its defaults, and how an engine's parts are made from it. */
final class EngineSettings {
    Store store;
    Codec codec;
    CallTransport transport;
    /** How sends and due timers are delivered as accepted requests; null: run here (see {@code Engine}). */
    CallTransport sendTransport;
    /** Which calls the transport delivers to this engine on the calling thread (default: none). */
    Predicate<Invocation> inProcessCalls = invocation -> false;

    FaultInjector faults = FaultInjector.NONE;
    Entropy entropy = Entropy.system();
    InstantSource clock;
    ExecutionListener listener = ExecutionListener.NONE;
    EngineObserver observer = EngineObserver.NONE;
    Mode mode = Mode.FULL;
    Duration transactionLease = Duration.ofSeconds(30);
    Duration responseRetention = Duration.ofHours(24);
    Duration maxExecutionAge = Engine.DEFAULT_MAX_EXECUTION_AGE;
    int maxPayloadBytes = Engine.DEFAULT_MAX_PAYLOAD_BYTES;
    int stateCacheEntries = Engine.DEFAULT_STATE_CACHE_ENTRIES;
    Duration contentionWait = Engine.DEFAULT_CONTENTION_WAIT;
    /** The application version this engine's code is, recorded with what it runs; null: undeclared. */
    String applicationVersion;
    /** Whether a service's instances of another version are alive, to send its requests back there. */
    BiPredicate<String, String> liveVersions = VersionPins.NONE;

    final List<ServiceDefinition> services = new ArrayList<>();

    static Duration positive(Duration value, String what) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + value);
        }
        return value;
    }

    /** {@code version}, if valid as an application's (the platforms validate declarations the same way). */
    static String version(String version) {
        return ApplicationIdentity.requireValidVersion(version);
    }

    /** {@code value}, if {@code ok}; the rule is the message otherwise. */
    static int checked(boolean ok, int value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(rule + ": " + value);
        }
        return value;
    }

    /**
     * Whether this engine delivers a due send or timer itself: its service is here and, as a
     * request another version ran stays for a driver that routes it to that version, so is its
     * version (or a send transport routes everything).
     */
    boolean deliversHere(Invocation invocation, Map<String, ServiceDefinition> services) {
        return sendTransport != null
                || (services.containsKey(invocation.service())
                        && Objects.equals(invocation.version(), applicationVersion));
    }

    /** These settings, once everything an engine needs is there (fail fast before start). */
    EngineSettings validated() {
        if (store == null) {
            throw new IllegalStateException("an engine needs a store: call store(...)");
        }
        if (codec == null) {
            throw new IllegalStateException(
                    "an engine needs a codec: call codec(...), e.g. with JsonCodec from mu2sls-json");
        }
        if (services.isEmpty()) {
            throw new IllegalStateException(
                    "an engine needs at least one service: call service(...) or discoverServices()");
        }
        if (transport == null) {
            transport = invocation -> {
                throw new IllegalStateException("no call transport configured; " + invocation.service() + "."
                        + invocation.method() + " cannot be reached");
            };
        }
        return this;
    }

    /** The collaborators of a new engine, the transport and async executor as the observer wraps them. */
    EngineContext context() {
        EngineCounters counters = new EngineCounters();
        EngineStore engineStore = new EngineStore(store, observer, counters, new StateCache(stateCacheEntries));
        InstantSource engineClock = clock != null ? clock : store.clock();
        return new EngineContext(
                engineStore,
                codec,
                observer.calls(transport),
                observer.asyncCalls(Executors.newVirtualThreadPerTaskExecutor()),
                faults,
                entropy,
                engineClock,
                listener,
                observer,
                mode,
                counters,
                new Timers(engineStore, engineClock, maxExecutionAge),
                new WriteIntents(contentionWait.toNanos()),
                new CoordinatedRecords(),
                new RemoteTransactionWrites(contentionWait.toNanos() / RemoteTransactionWrites.SHORTER_BY),
                inProcessCalls);
    }
}
