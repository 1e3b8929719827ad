package dev.mu2sls.simulator;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.core.CrashPoint;
import dev.mu2sls.core.Engine;
import dev.mu2sls.core.EngineObserver;
import dev.mu2sls.core.Entropy;
import dev.mu2sls.core.ExecutionExpiredException;
import dev.mu2sls.core.ExecutionListener;
import dev.mu2sls.core.FaultInjector;
import dev.mu2sls.core.InjectedCrash;
import dev.mu2sls.core.Inspector;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.Mode;
import dev.mu2sls.core.RequestSuspendedException;
import dev.mu2sls.core.Response;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.spi.Codec;
import dev.mu2sls.spi.ServiceDefinition;
import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.MemoryStore;
import dev.mu2sls.store.Store;
import java.nio.ByteBuffer;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
 * <p>Time is a {@link SimulatedClock}: the engine's deadlines, response retention and
 * transaction lease run on it, and long stalls move it past them (running the expiry sweeps, as a
 * platform's housekeeping would) while a zombie sleeps. An execution that outlives its deadline
 * is re-executed like a crashed one. Sequential duplicates are delivered only within the response
 * retention, as clients retry (A5).
 *
 * <h2>Thread safety</h2>
 * Clients may call {@link #call} from any number of threads.
 */
public final class Simulator implements AutoCloseable {
    /** Attempt numbers of duplicate deliveries start here; they are not hit by faults. */
    static final int DUPLICATE_ATTEMPT = 1_000_000;

    private static final ScopedValue<Attempt> ATTEMPT = ScopedValue.newInstance();
    /** The engine's timer records: {@code D}, the due time (8 bytes), the id (core's KeySpace). */
    static final byte TIMER = 'D';
    /** The engine's acceptance records: {@code A}, the id (core's KeySpace). */
    private static final byte ACCEPTED = 'A';

    /** Longest a long-stalled zombie waits for its successor before the clock jumps past the lease anyway. */
    private static final long SUCCESSOR_WAIT_MILLIS = 100;

    /** Longest a jump past the retention waits for every client request to be answered (A5). */
    private static final long ANSWERS_WAIT_MILLIS = 300;

    private final Engine engine;
    private final Store store;
    private final FaultPlan plan;
    private final SimulatedClock clock;
    private final Duration maxExecutionAge;
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
    private final LongAdder longStalls = new LongAdder();
    private final Set<String> longStalled = ConcurrentHashMap.newKeySet();
    private final LongAdder stallsPastRetention = new LongAdder();
    private final LongAdder lostReplies = new LongAdder();
    private final LongAdder expiredExecutions = new LongAdder();
    private final AnswerGate answers = new AnswerGate();

    private Simulator(Builder builder) {
        this.store = builder.store;
        this.plan = builder.plan;
        this.acceptDurably = builder.acceptDurably;
        this.clock = builder.clock;
        this.maxExecutionAge = builder.maxExecutionAge;
        this.engine = Engine.builder()
                .store(plan.lostReplyProbability() > 0 ? new LostReplyStore(store, this::loseReply) : store)
                .clock(clock)
                .responseRetention(builder.responseRetention)
                .transactionLease(builder.transactionLease)
                .maxExecutionAge(builder.maxExecutionAge)
                .codec(builder.codec)
                .mode(builder.mode)
                .entropy(builder.entropy)
                .listener(builder.listener)
                .observer(builder.observer)
                .maxPayloadBytes(builder.maxPayloadBytes)
                .services(builder.services)
                .faults(plan.injectsFaults() ? new PlanInjector() : FaultInjector.NONE)
                .transport(this::deliver)
                // Every call is delivered on the caller's thread (a successor in the background); half
                // of them, drawn per call, are said to be, so that participants complete inline and
                // persist alike, and mixed in one transaction, in every run.
                .inProcessCalls(
                        invocation -> plan.randomFor(invocation.requestId(), -3).nextBoolean())
                .sendTransport(this::deliverAccepted)
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

    /**
     * A client request, delivered (and maybe duplicated) until it completes. A request that sleeps
     * is answered once it completed: the client waits while the clock jumps to its timer (no
     * execution waits), the timers fire, and it retries with the same id.
     */
    public Response call(Invocation invocation) {
        long sentAt = clock.millis();
        Response response = null;
        boolean counted = false;
        while (response == null) {
            try {
                response = deliverAnswered(invocation, counted);
            } catch (RequestSuspendedException sleeping) {
                // still unanswered (no jump past the retention, A5) until the retry's outcome
                counted = jumpsPastRetention();
                clock.advanceTo(sleeping.dueMillis());
                engine.fireTimers();
                invocation = invocation.withAttempt(1);
            }
        }
        if (plan.sequentialDuplicateProbability() > 0
                && plan.randomFor(invocation.requestId(), -2).nextDouble() < plan.sequentialDuplicateProbability()) {
            deliverDuplicate(invocation, sentAt, response);
        }
        return response;
    }

    /**
     * A client's request, counted unanswered until its delivery has an outcome (see {@link AnswerGate})
     * other than sleeping: a sleeping request stays counted for the client's retry ({@code counted}).
     */
    private Response deliverAnswered(Invocation invocation, boolean counted) {
        if (!jumpsPastRetention()) {
            return deliver(invocation, clientRoute(), NO_CALLBACK);
        }
        if (!counted) {
            answers.sent();
        }
        return deliver(invocation, clientRoute(), SLEEPING_IS_NO_ANSWER);
    }

    /** Whether time may jump past the retention, which client requests must then wait for (A5). */
    private boolean jumpsPastRetention() {
        return plan.longStallProbability() > 0 && plan.pastRetentionShare() > 0;
    }

    /**
     * A client's retry after it got its answer: only within the retention of first sending it
     * (A5), checked under the {@link AnswerGate} so that no jump of time past the retention slips
     * in between. Like every client request, it is re-delivered until it completes (A3).
     */
    private void deliverDuplicate(Invocation invocation, long sentAt, Response response) {
        long retention = engine.responseRetention().toMillis();
        boolean gated = jumpsPastRetention();
        if (gated ? !answers.sentIf(() -> clock.millis() - sentAt < retention) : clock.millis() - sentAt >= retention) {
            return;
        }
        sequentialDuplicates.increment();
        Response again = deliver(
                invocation.withAttempt(DUPLICATE_ATTEMPT + 1), clientRoute(), gated ? answers::answered : NO_CALLBACK);
        if (!again.equals(response)) {
            duplicateMismatches.increment();
        }
    }

    /** Runs the sweeps a platform's housekeeping runs periodically: the timer driver and the expiries. */
    public void housekeeping() {
        engine.fireTimers();
        expire();
    }

    /** The expiry sweeps alone: what a jump of time runs (timers fire when a client or {@link #settle} asks). */
    private void expire() {
        engine.expireTransactions();
        engine.expireResponses();
    }

    /**
     * Delivers a send or timer the engine recorded. Like a client request it is retried only within
     * the retention (A5): no jump of time past it while its delivery is under way.
     */
    private Response deliverAccepted(Invocation invocation) {
        if (!jumpsPastRetention()) {
            return deliver(invocation, Route.ACCEPTED, NO_CALLBACK);
        }
        answers.sent();
        return deliver(invocation, Route.ACCEPTED, answers::answered);
    }

    /** Delivers a call between services. */
    Response deliver(Invocation invocation) {
        return deliver(invocation, Route.CALL, NO_CALLBACK);
    }

    private Route clientRoute() {
        return acceptDurably ? Route.CLIENT : Route.CALL;
    }

    /** How the platform hands a delivery to the engine. */
    private enum Route {
        /** A call between services, or a client request not accepted durably: {@code Engine.invoke}. */
        CALL,
        /** A client request accepted durably: {@code Engine.submit}. */
        CLIENT,
        /** A send or timer the engine recorded: {@code Engine.redeliver}. */
        ACCEPTED;

        Response run(Engine engine, Invocation invocation) {
            return switch (this) {
                case CALL -> engine.invoke(invocation);
                case CLIENT -> engine.submit(invocation);
                case ACCEPTED -> engine.redeliver(invocation);
            };
        }
    }

    /** Delivers one request: the platform's side of client requests, internal calls, sends and timers. */
    private Response deliver(Invocation invocation, Route route, Runnable onOutcome) {
        active.incrementAndGet();
        Delivery delivery = new Delivery(invocation, route);
        if (onOutcome != NO_CALLBACK) {
            delivery.outcome.whenComplete((response, failure) -> {
                try {
                    if (onOutcome != SLEEPING_IS_NO_ANSWER) {
                        onOutcome.run();
                    } else if (!(failure instanceof RequestSuspendedException)) {
                        answers.answered();
                    }
                } catch (IllegalStateException answeredTwice) {
                    backgroundFailures.add(answeredTwice); // the after-run check reports it
                }
            });
        }
        try {
            deliveries.increment();
            if (plan.concurrentDuplicateProbability() > 0
                    && plan.randomFor(invocation.requestId(), -1).nextDouble()
                            < plan.concurrentDuplicateProbability()) {
                concurrentDuplicates.increment();
                // it arrived with the original: its deadline runs from then, however late its thread starts
                long arrivalDeadline = invocation.deadlineMillis() != 0
                        ? invocation.deadlineMillis()
                        : clock.millis() + maxExecutionAge.toMillis();
                background(() -> {
                    Response duplicate;
                    try {
                        duplicate = (route == Route.CLIENT ? Route.CALL : route)
                                .run(
                                        engine,
                                        invocation
                                                .withAttempt(DUPLICATE_ATTEMPT)
                                                .withDeadline(arrivalDeadline));
                    } catch (RuntimeException rejected) {
                        return; // the original delivery reports non-retryable failures
                    }
                    Response original;
                    try {
                        original = delivery.outcome.join();
                    } catch (CompletionException failed) {
                        return; // the original stopped (its caller passed its deadline): nothing to compare
                    }
                    if (!duplicate.equals(original)) {
                        duplicateMismatches.increment();
                    }
                });
            }
            return delivery.run(0);
        } catch (Error fatal) {
            delivery.outcome.completeExceptionally(fatal);
            throw fatal;
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

    /**
     * Waits for quiescence, then runs the timer driver until no one-way send or timer is left,
     * moving the clock to each one's due time (a delayed send, a sleep): the state a test compares
     * once everything sent has been delivered.
     *
     * @throws TimeoutException if executions still run, or timers are left, after {@code timeout}
     */
    public void settle(Duration timeout) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            awaitQuiescence(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            List<KeyValue> next = store.scan(new byte[] {TIMER}, new byte[] {TIMER + 1}, 1);
            // a timer claimed (its acceptance record written) whose delivery is about to start, or stopped
            List<KeyValue> claimed = store.scan(new byte[] {ACCEPTED}, new byte[] {ACCEPTED + 1}, 1);
            if (next.isEmpty() && claimed.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("timers still due or claimed after " + timeout + ": " + next + claimed);
            }
            if (next.isEmpty()) {
                // a claimed delivery that stopped at its deadline before it ran left its acceptance
                // record: the platform's recovery re-drives it (a claim about to be delivered is
                // delivered twice then, which G1 allows)
                LockSupport.parkNanos(1_000_000);
                engine.recover(this::deliverAccepted);
                continue;
            }
            clock.advanceTo(ByteBuffer.wrap(next.getFirst().key(), 1, 8).getLong());
            engine.fireTimers();
        }
    }

    public FaultCounts faults() {
        Map<CrashPoint, Long> byPoint = new EnumMap<>(CrashPoint.class);
        for (CrashPoint point : CrashPoint.values()) {
            byPoint.put(point, crashes.get(point.ordinal()));
        }
        return new FaultCounts(
                deliveries.sum(),
                byPoint,
                stalls.sum(),
                concurrentDuplicates.sum(),
                sequentialDuplicates.sum(),
                reExecutions.sum(),
                duplicateMismatches.sum(),
                longStalls.sum(),
                stallsPastRetention.sum(),
                lostReplies.sum(),
                expiredExecutions.sum());
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

    /** A read-only view of what the run stored: state, requests, transactions. */
    public Inspector inspector() {
        return new Inspector(store, engine.codec());
    }

    public FaultPlan plan() {
        return plan;
    }

    public SimulatedClock clock() {
        return clock;
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
        /** The caller's attempt, whose thread waits for this one; null for a client request. */
        final Attempt caller;

        boolean stalled;

        Attempt(Delivery delivery, int number, SplittableRandom random, boolean faulty) {
            this.caller = ATTEMPT.isBound() ? ATTEMPT.get() : null;
            this.delivery = delivery;
            this.number = number;
            this.random = random;
            this.faulty = faulty;
        }
    }

    private static final int MAX_EXPIRED_IN_A_ROW = 20;
    private static final Runnable NO_CALLBACK = () -> {};
    /** A client delivery's callback: answered, unless the request sleeps and its client retries. */
    private static final Runnable SLEEPING_IS_NO_ANSWER = () -> {};

    /**
     * The platform's handling of one request: attempts until one returns a response. An attempt
     * the platform timed out (a zombie) never answers: whatever it returns or throws, even a
     * suspension, the delivery's outcome is its successor's.
     */
    private final class Delivery {
        final Invocation invocation;
        final Route route;
        final CompletableFuture<Response> outcome = new CompletableFuture<>();
        private final AtomicInteger nextAttempt = new AtomicInteger(1);
        private final Set<Integer> timedOut = ConcurrentHashMap.newKeySet();
        private int expiredInARow;

        Delivery(Invocation invocation, Route route) {
            this.invocation = invocation;
            this.route = route;
        }

        Response run(int firstAttempt) {
            int attempt = firstAttempt;
            while (true) {
                if (attempt > 0) {
                    reExecutions.increment();
                }
                Attempt context = new Attempt(
                        this,
                        attempt,
                        plan.randomFor(invocation.requestId(), attempt),
                        attempt < plan.faultyAttempts());
                Invocation delivered = invocation.withAttempt(attempt);
                try {
                    Response response = ScopedValue.where(ATTEMPT, context).call(() -> route.run(engine, delivered));
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
                } catch (ExecutionExpiredException expired) {
                    expiredExecutions.increment();
                    if (timedOut.contains(attempt)) {
                        return awaitSuccessor();
                    }
                    if (++expiredInARow > MAX_EXPIRED_IN_A_ROW) {
                        // a fresh attempt has a fresh deadline: expiring again and again is a livelock
                        IllegalStateException stuck = new IllegalStateException(
                                "request " + invocation.requestId() + " expired in " + expiredInARow
                                        + " attempts in a row; last: " + expired.getMessage(),
                                expired);
                        outcome.completeExceptionally(stuck);
                        throw stuck;
                    }
                    if (invocation.deadlineMillis() != 0) {
                        // a call shares its caller's deadline, which has passed too: the caller re-executes
                        outcome.completeExceptionally(expired);
                        throw expired;
                    }
                    backoff(attempt);
                    attempt = nextAttempt.getAndIncrement();
                } catch (RuntimeException nonRetryable) {
                    if (timedOut.contains(attempt)) {
                        // a zombie's failure, or its suspension (a successor may have completed the
                        // request meanwhile): the platform gave up on it and answers with the successor's
                        return awaitSuccessor();
                    }
                    outcome.completeExceptionally(nonRetryable);
                    throw nonRetryable;
                }
            }
        }

        /** The platform gave up waiting for {@code attempt}: start the next one; the old one goes on as a zombie. */
        void timeOut(int attempt) {
            if (!timedOut.add(attempt)) {
                return;
            }
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
                    if (exact.point() == point
                            && exact.step() == step
                            && exact.requestId().equals(invocation.requestId())) {
                        throw new InjectedCrash(point, invocation + " step " + step);
                    }
                }
            }
            if (plan.crashProbability() > 0
                    && plan.crashPoints().contains(point)
                    && attempt.random.nextDouble() < plan.crashProbability()) {
                throw new InjectedCrash(point, invocation + " step " + step);
            }
            if (!attempt.stalled
                    && plan.stallProbability() > 0
                    && attempt.random.nextDouble() < plan.stallProbability()) {
                attempt.stalled = true;
                stalls.increment();
                attempt.delivery.timeOut(attempt.number);
                LockSupport.parkNanos(plan.stall().toNanos());
            }
            // once per request id: a call re-sent by each re-execution of its caller would otherwise
            // stall at the same point every time, and time would never let the caller finish
            if (!attempt.stalled
                    && plan.longStallProbability() > 0
                    && attempt.random.nextDouble() < plan.longStallProbability()
                    && longStalled.add(invocation.requestId())) {
                attempt.stalled = true;
                stallLong(attempt);
            }
        }

        /**
         * The zombie sleeps while its successor finishes the request and time passes: past the
         * lease (so a successor blocked on this zombie's transaction goes on), then, for a share of
         * the plans, past the response retention and every deadline that could still consult the
         * request's records; the sweeps run after each jump, then the zombie goes on.
         */
        private void stallLong(Attempt attempt) {
            longStalls.increment();
            // the platform gives up on the callers too, which wait on this thread: a successor
            // answers the client, so time may jump past the retention (A5) while the zombie sleeps
            for (Attempt waiting = attempt; waiting != null; waiting = waiting.caller) {
                waiting.delivery.timeOut(waiting.number);
            }
            awaitOutcome(attempt.delivery, SUCCESSOR_WAIT_MILLIS);
            Duration lease = engine.transactionLease();
            clock.advance(lease.multipliedBy(2));
            expire();
            boolean pastRetention = attempt.random.nextDouble() < plan.pastRetentionShare()
                    && answers.jumpWhenAllAnswered(ANSWERS_WAIT_MILLIS, () -> {
                        clock.advance(engine.responseRetention()
                                .plus(maxExecutionAge.multipliedBy(2))
                                .plus(lease));
                        expire();
                    });
            if (pastRetention) {
                stallsPastRetention.increment();
            }
        }

        private static void awaitOutcome(Delivery delivery, long millis) {
            try {
                delivery.outcome.get(millis, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException finishedOrNot) {
                // go on: the successor may wait on a transaction this zombie holds until the lease passes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether this commit's reply is lost: decided by the plan, for faulty attempts only. */
    private boolean loseReply() {
        if (!ATTEMPT.isBound()) {
            return false;
        }
        Attempt attempt = ATTEMPT.get();
        if (attempt.faulty && attempt.random.nextDouble() < plan.lostReplyProbability()) {
            lostReplies.increment();
            return true;
        }
        return false;
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
        private SimulatedClock clock = new SimulatedClock();
        private Duration responseRetention = Duration.ofMinutes(10);
        private Duration transactionLease = Duration.ofSeconds(30);
        private Duration maxExecutionAge = Duration.ofMinutes(1);
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

        /** The clock the engine's deadlines, retention and lease run on (a fresh one by default). */
        public Builder clock(SimulatedClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The engine's response retention (10 minutes of simulated time by default). */
        public Builder responseRetention(Duration retention) {
            this.responseRetention = Objects.requireNonNull(retention, "retention");
            return this;
        }

        /** The engine's transaction lease (30 s by default). */
        public Builder transactionLease(Duration lease) {
            this.transactionLease = Objects.requireNonNull(lease, "lease");
            return this;
        }

        /** The engine's maximum execution age (1 minute by default: a real-time run never reaches it). */
        public Builder maxExecutionAge(Duration age) {
            this.maxExecutionAge = Objects.requireNonNull(age, "age");
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
