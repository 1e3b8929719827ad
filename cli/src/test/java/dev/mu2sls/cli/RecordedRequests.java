package dev.mu2sls.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.core.CrashPoint;
import dev.mu2sls.core.Engine;
import dev.mu2sls.core.InjectedCrash;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.platform.local.Apps;
import dev.mu2sls.spi.ServiceDefinition;
import dev.mu2sls.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Real engine runs that leave in a store one request in each state an operator looks for: a W2
 * chain completed, a timeline read that failed, a post that crashed after its first calls
 * (running, two steps journaled), a W5 booking whose coordinator crashed before its commit
 * (running, its begin journaled with the persist before its first call, its transaction pending
 * with both reservations provisional), a
 * W2 chain that crashed before its first call left (accepted), a post whose first delivery crashed
 * after its first calls and whose second completed it (two deliveries), and a quarantined request.
 * Ids as the gateway gives them ({@code Service.method:key}).
 *
 * <p>The engine's clock is the system clock an hour back ({@link #AGO}): the records look an hour
 * old to the admin commands, which read the store's clock, so the stuck check finds a running
 * request that persisted nothing for half an hour without the test waiting for it.
 */
final class RecordedRequests {
    static final String COMPLETED = "Caller1.add:done";
    static final String FAILED = "Timeline.read:zero";
    static final String RUNNING = "Social.post:crashed";
    static final String BOOKING = "Frontend.book:crashed";
    static final String ACCEPTED = "Caller1.add:early";
    static final String QUARANTINED = "Caller1.add:poison";
    static final String RETRIED = "Social.post:retried";
    /** How long before the store's clock the engine's clock runs. */
    static final Duration AGO = Duration.ofHours(1);

    private RecordedRequests() {}

    /** Runs the requests against {@code store} and closes the engine (the store stays open). */
    static void record(Store store) {
        List<ServiceDefinition> services = new ArrayList<>(Apps.resolve("chain").services());
        services.addAll(Apps.resolve("travel").services());
        services.addAll(Apps.resolve("social").services());
        Engine[] engine = new Engine[1];
        engine[0] = Engine.builder()
                .store(store)
                .codec(new JsonCodec())
                .services(services)
                .transport(invocation -> engine[0].invoke(invocation))
                .clock(new HourAgoClock())
                .faults((point, invocation, step) -> {
                    // Frontend.book: 0 begin, 1-2 async reserves, 3-4 awaits, 5 commit
                    // Social.post: 0 uuid, 1 now, 2 store, 3 deliver to the author, 4 followers
                    if (invocation.requestId().equals(BOOKING) && point == CrashPoint.BEFORE_STORE_COMMIT && step == 5
                            || invocation.requestId().equals(RUNNING) && point == CrashPoint.BEFORE_CALL && step == 4
                            || invocation.requestId().equals(ACCEPTED) && point == CrashPoint.BEFORE_CALL
                            || invocation.requestId().equals(RETRIED)
                                    && invocation.attempt() == 0
                                    && point == CrashPoint.BEFORE_CALL
                                    && step == 4) {
                        throw new InjectedCrash(point, "the test's crash");
                    }
                })
                .build();
        try (Engine e = engine[0]) {
            submit(e, "Hotel.open:h", "Hotel", "open", "[\"h\", 2]");
            submit(e, "Flight.open:f", "Flight", "open", "[\"f\", 2]");
            submit(e, COMPLETED, "Caller1", "add", "[\"k\", 5]");
            submit(e, FAILED, "Timeline", "read", "[\"ann\", 0]");
            crash(() -> submit(e, BOOKING, "Frontend", "book", "[\"ann\", \"f\", \"h\"]"));
            crash(() -> submit(e, RUNNING, "Social", "post", "[\"ann\", \"hello\"]"));
            crash(() -> submit(e, ACCEPTED, "Caller1", "add", "[\"k\", 7]"));
            crash(() -> submit(e, RETRIED, "Social", "post", "[\"bob\", \"again\"]"));
            e.submit(new Invocation(RETRIED, "Social", "post", "[\"bob\", \"again\"]".getBytes(UTF_8), 1));
            e.quarantine(
                    new Invocation(QUARANTINED, "Caller1", "add", "[\"k\", 1]".getBytes(UTF_8), 0),
                    Engine.QUARANTINED,
                    "the test gave up on it");
        }
    }

    private static void submit(Engine engine, String id, String service, String method, String json) {
        engine.submit(new Invocation(id, service, method, json.getBytes(UTF_8), 0));
    }

    /**
     * The system clock {@link #AGO} back, each read at least a millisecond after the one before:
     * requests that end one after another have distinct end times, so the listing's order is fixed.
     */
    private static final class HourAgoClock implements InstantSource {
        private long last;

        @Override
        public synchronized Instant instant() {
            last = Math.max(last + 1, System.currentTimeMillis() - AGO.toMillis());
            return Instant.ofEpochMilli(last);
        }
    }

    private static void crash(Runnable request) {
        try {
            request.run();
            throw new AssertionError("the request was to crash");
        } catch (InjectedCrash expected) {
            // left as it was at the crash
        }
    }
}
