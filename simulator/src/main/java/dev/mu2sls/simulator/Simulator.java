package dev.mu2sls.simulator;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.core.CrashPoint;
import dev.mu2sls.core.Engine;
import dev.mu2sls.core.EngineObserver;
import dev.mu2sls.core.Entropy;
import dev.mu2sls.core.ExecutionListener;
import dev.mu2sls.core.FaultInjector;
import dev.mu2sls.core.InjectedCrash;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.Mode;
import dev.mu2sls.core.Response;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.spi.Codec;
import dev.mu2sls.spi.ServiceDefinition;
import dev.mu2sls.store.MemoryStore;
import dev.mu2sls.store.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * An in-process serverless platform (DESIGN §5.1): every delivery of a request runs the
 * engine on a virtual thread, and a {@link FaultPlan} crashes executions at crash points,
 * times them out (re-executing while the timed-out one keeps running as a zombie), and delivers
 * requests twice, concurrently or after completion. Crashed deliveries are re-executed with
 * backoff until they complete, as a serverless platform retries.
 *
 * <p>Calls between services go through the same delivery path, so internal calls are crashed,
 * retried and duplicated too.
 *
 * <h2>Thread safety</h2>
 * Clients may call {@link #call} from any number of threads.
 */
public final class Simulator implements AutoCloseable {
    /** Attempt numbers of duplicate deliveries start here; they are not hit by faults. */
    static final int DUPLICATE_ATTEMPT = 1_000_000;
    private static final ScopedValue<Attempt> ATTEMPT = ScopedValue.newInstance();

    private final Engine engine;
    private final Store store;
    private final FaultPlan plan;
    private final AtomicInteger active = new AtomicInteger();
    private final boolean acceptDurably;

    private final LongAdder deliveries = new LongAdder();
    private final AtomicLongArray crashes = new AtomicLongArray(CrashPoint.values().length);
    private final LongAdder stalls = new LongAdder();
    private final LongAdder concurrentDuplicates = new LongAdder();
    private final LongAdder sequentialDuplicates = new LongAdder();
    private final LongAdder reExecutions = new LongAdder();
    private final LongAdder duplicateMismatches = new LongAdder();
    private final List<Throwable> backgroundFailures = new CopyOnWriteArrayList<>();

    private Simulator(Builder builder) {
        this.store = builder.store;
        this.plan = builder.plan;
        this.acceptDurably = builder.acceptDurably;
        this.engine = Engine.builder()
                .store(store)
                .codec(builder.codec)
                .mode(builder.mode)
                .entropy(builder.entropy)
                .listener(builder.listener)
                .observer(builder.observer)
                .maxPayloadBytes(builder.maxPayloadBytes)
                .services(builder.services)
                .faults(plan.injectsFaults() ? new PlanInjector() : FaultInjector.NONE)
                .transport(this::deliver)
                .build();
        SimulatorWatch.opened(this);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A client request by name with JSON arguments (an array, or an object keyed by parameter
     * name), delivered until it completes.
     *
     * @throws dev.mu2sls.InvalidRequestException for bad input; nothing was changed
     */
    public Response call(String requestId, String service, String method, String jsonArguments) {
        return call(new Invocation(requestId, service, method, jsonArguments.getBytes(UTF_8), 0));
    }

    /** A client request, delivered (and maybe duplicated) until it completes. */
    public Response call(Invocation invocation) {
        Response response = deliver(invocation, acceptDurably);
        if (plan.sequentialDuplicateProbability() > 0
                && plan.randomFor(invocation.requestId(), -2).nextDouble() < plan.sequentialDuplicateProbability()) {
            sequentialDuplicates.increment();
            Response again = deliver(invocation.withAttempt(DUPLICATE_ATTEMPT + 1), acceptDurably);
            if (!again.equals(response)) {
                duplicateMismatches.increment();
            }
        }
        return response;
    }

    /** Delivers a call between services. */
    Response deliver(Invocation invocation) {
        return deliver(invocation, false);
    }

    /** Delivers one request: the platform's side of both client requests and internal calls. */
    private Response deliver(Invocation invocation, boolean client) {
        active.incrementAndGet();
        try {
            deliveries.increment();
            Delivery delivery = new Delivery(invocation, client);
            if (plan.concurrentDuplicateProbability() > 0
                    && plan.randomFor(invocation.requestId(), -1).nextDouble() < plan.concurrentDuplicateProbability()) {
                concurrentDuplicates.increment();
                background(() -> {
                    Response duplicate;
                    try {
                        duplicate = engine.invoke(invocation.withAttempt(DUPLICATE_ATTEMPT));
                    } catch (RuntimeException rejected) {
                        return; // the original delivery reports non-retryable failures
                    }
                    Response original = delivery.outcome.join();
                    if (!duplicate.equals(original)) {
                        duplicateMismatches.increment();
                    }
                });
            }
            return delivery.run(0);
        } finally {
            active.decrementAndGet();
        }
    }

    /**
     * Waits until no delivery, zombie or duplicate is running, so that the store holds the final
     * state.
     *
     * @throws TimeoutException if executions are still running after {@code timeout}
     */
    public void awaitQuiescence(Duration timeout) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int quietChecks = 0;
        while (quietChecks < 5) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(active.get() + " executions still running after " + timeout);
            }
            quietChecks = active.get() == 0 ? quietChecks + 1 : 0;
            LockSupport.parkNanos(1_000_000);
        }
    }

    public FaultCounts faults() {
        Map<CrashPoint, Long> byPoint = new EnumMap<>(CrashPoint.class);
        for (CrashPoint point : CrashPoint.values()) {
            byPoint.put(point, crashes.get(point.ordinal()));
        }
        return new FaultCounts(deliveries.sum(), byPoint, stalls.sum(), concurrentDuplicates.sum(),
                sequentialDuplicates.sum(), reExecutions.sum(), duplicateMismatches.sum());
    }

    /** What escaped the platform's background tasks (duplicate deliveries, successors of timed-out attempts); must be empty. */
    public List<Throwable> backgroundFailures() {
        return List.copyOf(backgroundFailures);
    }

    public Engine engine() {
        return engine;
    }

    public Store store() {
        return store;
    }

    public FaultPlan plan() {
        return plan;
    }

    @Override
    public void close() {
        SimulatorWatch.closing(this);
        engine.close();
    }

    /** Runs {@code task} beside the deliveries; what escapes it is kept for {@link AfterRunCheck}, before the run counts as quiet. */
    private void background(Runnable task) {
        active.incrementAndGet();
        Thread.ofVirtual().name("mu2sls-sim-background").start(() -> {
            try {
                task.run();
            } catch (Throwable failure) {
                backgroundFailures.add(failure);
            } finally {
                active.decrementAndGet();
            }
        });
    }

    /** One attempt's view for the fault injector. */
    private static final class Attempt {
        final Delivery delivery;
        final int number;
        final SplittableRandom random;
        final boolean faulty;
        boolean stalled;

        Attempt(Delivery delivery, int number, SplittableRandom random, boolean faulty) {
            this.delivery = delivery;
            this.number = number;
            this.random = random;
            this.faulty = faulty;
        }
    }

    /** The platform's handling of one request: attempts until one returns a response. */
    private final class Delivery {
        final Invocation invocation;
        final boolean client;
        final CompletableFuture<Response> outcome = new CompletableFuture<>();
        private final AtomicInteger nextAttempt = new AtomicInteger(1);
        private final Set<Integer> timedOut = ConcurrentHashMap.newKeySet();

        Delivery(Invocation invocation, boolean client) {
            this.invocation = invocation;
            this.client = client;
        }

        Response run(int firstAttempt) {
            int attempt = firstAttempt;
            while (true) {
                if (attempt > 0) {
                    reExecutions.increment();
                }
                Attempt context = new Attempt(this, attempt, plan.randomFor(invocation.requestId(), attempt),
                        attempt < plan.faultyAttempts());
                Invocation delivered = invocation.withAttempt(attempt);
                try {
                    Response response = ScopedValue.where(ATTEMPT, context)
                            .call(() -> client ? engine.submit(delivered) : engine.invoke(delivered));
                    if (timedOut.contains(attempt)) {
                        return awaitSuccessor();
                    }
                    outcome.complete(response);
                    return response;
                } catch (InjectedCrash crash) {
                    crashes.incrementAndGet(crash.point().ordinal());
                    if (timedOut.contains(attempt)) {
                        return awaitSuccessor();
                    }
                    backoff(attempt);
                    attempt = nextAttempt.getAndIncrement();
                } catch (RuntimeException nonRetryable) {
                    outcome.completeExceptionally(nonRetryable);
                    throw nonRetryable;
                }
            }
        }

        /** The platform gave up waiting for {@code attempt}: start the next one; the old one goes on as a zombie. */
        void timeOut(int attempt) {
            timedOut.add(attempt);
            int successor = nextAttempt.getAndIncrement();
            background(() -> {
                try {
                    run(successor);
                } catch (RuntimeException reported) {
                    // completes the outcome exceptionally; the waiting zombie rethrows it
                }
            });
        }

        private Response awaitSuccessor() {
            try {
                return outcome.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
            }
        }

        private void backoff(int attempt) {
            LockSupport.parkNanos(Math.min(2_000_000L, 50_000L << Math.min(attempt, 6)));
        }
    }

    /** The fault plan, applied at the engine's crash points. */
    private final class PlanInjector implements FaultInjector {
        @Override
        public void at(CrashPoint point, Invocation invocation, int step) {
            if (!ATTEMPT.isBound()) {
                return;
            }
            Attempt attempt = ATTEMPT.get();
            if (!attempt.faulty) {
                return;
            }
            if (attempt.number == 0) {
                for (FaultPlan.ExactCrash exact : plan.exactCrashes()) {
                    if (exact.point() == point && exact.step() == step && exact.requestId().equals(invocation.requestId())) {
                        throw new InjectedCrash(point, invocation + " step " + step);
                    }
                }
            }
            if (plan.crashProbability() > 0 && plan.crashPoints().contains(point)
                    && attempt.random.nextDouble() < plan.crashProbability()) {
                throw new InjectedCrash(point, invocation + " step " + step);
            }
            if (!attempt.stalled && plan.stallProbability() > 0 && attempt.random.nextDouble() < plan.stallProbability()) {
                attempt.stalled = true;
                stalls.increment();
                attempt.delivery.timeOut(attempt.number);
                LockSupport.parkNanos(plan.stall().toNanos());
            }
        }
    }

    /** Configures a {@link Simulator}. */
    public static final class Builder {
        private Store store = new MemoryStore();
        private Codec codec = new JsonCodec();
        private FaultPlan plan = FaultPlan.none();
        private Mode mode = Mode.FULL;
        private Entropy entropy = Entropy.system();
        private ExecutionListener listener = ExecutionListener.NONE;
        private EngineObserver observer = EngineObserver.NONE;
        private int maxPayloadBytes = Engine.DEFAULT_MAX_PAYLOAD_BYTES;
        private boolean acceptDurably;
        private final List<ServiceDefinition> services = new ArrayList<>();

        private Builder() {}

        public Builder store(Store store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        public Builder codec(Codec codec) {
            this.codec = Objects.requireNonNull(codec, "codec");
            return this;
        }

        public Builder faultPlan(FaultPlan plan) {
            this.plan = Objects.requireNonNull(plan, "plan");
            return this;
        }

        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        public Builder entropy(Entropy entropy) {
            this.entropy = Objects.requireNonNull(entropy, "entropy");
            return this;
        }

        public Builder listener(ExecutionListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** What the engine reports its work to (metrics, traces); none by default. */
        public Builder observer(EngineObserver observer) {
            this.observer = Objects.requireNonNull(observer, "observer");
            return this;
        }

        public Builder maxPayloadBytes(int bytes) {
            this.maxPayloadBytes = bytes;
            return this;
        }

        /**
         * Record each client request durably before running it, so that {@link Engine#recover()}
         * re-drives it after a crash of the whole process (G4, G5): for durable stores.
         */
        public Builder acceptDurably(boolean acceptDurably) {
            this.acceptDurably = acceptDurably;
            return this;
        }

        public Builder service(ServiceDefinition definition) {
            services.add(definition);
            return this;
        }

        public Builder services(Iterable<? extends ServiceDefinition> definitions) {
            definitions.forEach(services::add);
            return this;
        }

        public Simulator build() {
            return new Simulator(this);
        }
    }
}
