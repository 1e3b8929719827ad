package dev.mu2sls.observability;

import dev.mu2sls.core.EngineObserver.TransactionOutcome;
import dev.mu2sls.core.Invocation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The engine's meters. Meters are looked up once per service and method and kept, so that
 * recording a request costs a map lookup and a few adds, not Micrometer's tag matching.
 */
final class EngineMetrics {
    /** How a delivery ended, as the {@code outcome} tag of requests. */
    enum RequestOutcome {
        /** The handler returned (its response is recorded). */
        OK,
        /** The handler threw (its failure response is recorded). */
        FAILED,
        /** Bad input, refused before anything was recorded. */
        INVALID,
        /** The execution passed its deadline and stopped without persisting (A6); it is retried. */
        EXPIRED,
        /** The delivery stopped before a response (crash, store down, divergence); it is retried. */
        ERROR;

        final String tag = name().toLowerCase(Locale.ROOT);
    }

    /**
     * Histogram buckets of request and store-commit durations: a fixed ladder from 100 µs to 30 s
     * (fifteen buckets, where Micrometer's percentile histogram has about seventy per series).
     */
    static final Duration[] BUCKETS = Stream.of(
                    0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 5000.0, 30000.0)
            .map(millis -> Duration.ofNanos((long) (millis * 1_000_000)))
            .toArray(Duration[]::new);

    private final MeterRegistry registry;
    /** By service, then method: two lookups of strings the invocation holds, no key built per request. */
    private final Map<String, Map<String, MethodMeters>> methods = new ConcurrentHashMap<>();

    private final Map<String, ServiceMeters> services = new ConcurrentHashMap<>();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger pendingTransactions = new AtomicInteger();

    EngineMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("mu2sls.running.requests", running, AtomicInteger::get)
                .description("deliveries the engine is running now")
                .register(registry);
        Gauge.builder("mu2sls.pending.transactions", pendingTransactions, AtomicInteger::get)
                .description("transactions pending in the store at the last housekeeping sweep")
                .register(registry);
    }

    MethodMeters method(Invocation invocation) {
        Map<String, MethodMeters> ofService = methods.get(invocation.service());
        if (ofService == null) {
            ofService = methods.computeIfAbsent(invocation.service(), service -> new ConcurrentHashMap<>());
        }
        MethodMeters meters = ofService.get(invocation.method());
        return meters != null
                ? meters
                : ofService.computeIfAbsent(
                        invocation.method(), method -> new MethodMeters(invocation.service(), method));
    }

    ServiceMeters service(String service) {
        ServiceMeters meters = services.get(service);
        return meters != null ? meters : services.computeIfAbsent(service, ServiceMeters::new);
    }

    /** Meters of one service method. */
    final class MethodMeters {
        private final String service;
        private final String method;
        /** By outcome; registered when an outcome first happens (but OK, at once). */
        private final Counter[] requests = new Counter[RequestOutcome.values().length];

        private final Timer[] durations = new Timer[RequestOutcome.values().length];
        final Counter reexecutions;
        final Counter replays;
        final Counter fenced;
        final Counter quarantined;

        MethodMeters(String service, String method) {
            this.service = service;
            this.method = method;
            register(RequestOutcome.OK);
            reexecutions = Counter.builder("mu2sls.reexecutions")
                    .description(
                            "deliveries of a request after its first (a retry after a crash, a timeout, a lost reply)")
                    .tags("service", service, "method", method)
                    .register(registry);
            replays = Counter.builder("mu2sls.replays")
                    .description("handler re-runs from the journal within a delivery (a stale read or a divergence)")
                    .tags("service", service, "method", method)
                    .register(registry);
            fenced = Counter.builder("mu2sls.fenced")
                    .description("executions stopped because another execution completed the request")
                    .tags("service", service, "method", method)
                    .register(registry);
            quarantined = Counter.builder("mu2sls.quarantined")
                    .description("requests ended as failed with a report: a replay diverged, or the platform gave up")
                    .tags("service", service, "method", method)
                    .register(registry);
        }

        void delivered(RequestOutcome outcome, long nanos) {
            Counter counter = requests[outcome.ordinal()];
            Timer timer = durations[outcome.ordinal()];
            if (counter == null || timer == null) {
                register(outcome); // idempotent: Micrometer returns a meter already registered
                counter = requests[outcome.ordinal()];
                timer = durations[outcome.ordinal()];
            }
            counter.increment();
            timer.record(nanos, TimeUnit.NANOSECONDS);
        }

        private synchronized void register(RequestOutcome outcome) {
            requests[outcome.ordinal()] = Counter.builder("mu2sls.requests")
                    .description("deliveries handled, by outcome")
                    .tags("service", service, "method", method, "outcome", outcome.tag)
                    .register(registry);
            durations[outcome.ordinal()] = Timer.builder("mu2sls.request.duration")
                    .description("time to handle a delivery")
                    .tags("service", service, "method", method, "outcome", outcome.tag)
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry);
        }
    }

    /** Meters of one service: its transactions and its store commits. */
    final class ServiceMeters {
        private final Counter[] transactions = new Counter[TransactionOutcome.values().length];
        private final Counter storeCommits;
        private final Counter storeCommitFailures;
        private final Timer storeCommitDuration;

        ServiceMeters(String service) {
            transactions[TransactionOutcome.COMMITTED.ordinal()] = Counter.builder("mu2sls.tx.commits")
                    .description("transactions committed")
                    .tag("service", service)
                    .register(registry);
            transactions[TransactionOutcome.CONFLICT.ordinal()] = Counter.builder("mu2sls.tx.conflicts")
                    .description("transaction commits that found a stale read (the coordinator runs again)")
                    .tag("service", service)
                    .register(registry);
            transactions[TransactionOutcome.ABORTED.ordinal()] = Counter.builder("mu2sls.tx.aborts")
                    .description("transactions aborted by their code")
                    .tag("service", service)
                    .register(registry);
            storeCommits = Counter.builder("mu2sls.store.commits")
                    .description("store transactions committed")
                    .tags("service", service, "outcome", "ok")
                    .register(registry);
            storeCommitFailures = Counter.builder("mu2sls.store.commits")
                    .description("store transactions committed")
                    .tags("service", service, "outcome", "error")
                    .register(registry);
            storeCommitDuration = Timer.builder("mu2sls.store.commit.duration")
                    .description("time to commit a store transaction, retries included")
                    .tag("service", service)
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry);
        }

        void transactionEnded(TransactionOutcome outcome) {
            transactions[outcome.ordinal()].increment();
        }

        void storeCommitted(boolean ok, long nanos) {
            (ok ? storeCommits : storeCommitFailures).increment();
            storeCommitDuration.record(nanos, TimeUnit.NANOSECONDS);
        }
    }
}
