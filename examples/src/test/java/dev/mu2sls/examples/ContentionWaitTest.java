package dev.mu2sls.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mu2sls.core.CrashPoint;
import dev.mu2sls.core.Engine;
import dev.mu2sls.core.InjectedCrash;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.Response;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.store.MemoryStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two bookings of one hotel, the first held open after its hotel reservation wrote the room
 * count: the second's reservation, about to read the count the first is replacing, waits for the
 * first to end and then reads its value, so neither conflicts. Without the wait, the second reads
 * the old count, commits first, and the first conflicts and runs again. A first whose execution
 * crashes before it ends releases the second.
 */
@Timeout(60) // a hang guard: the waits below end when the test releases them
class ContentionWaitTest {
    private final MemoryStore store = new MemoryStore();
    /** The first booking's hotel reservation returned and its flight reservation is held: its transaction is open. */
    private final CountDownLatch firstHeldOpen = new CountDownLatch(2);

    private final CountDownLatch releaseFirstFlight = new CountDownLatch(1);
    private volatile boolean crashFirstAtItsEnd;

    @Test
    void secondReaderOfAHotKey_waitsForTheOlderWriter_andNeitherConflicts() throws Exception {
        try (Engine engine = engine(Duration.ofMinutes(10))) {
            open(engine);
            CompletableFuture<Response> first = bookAsync(engine, "first", "f0");
            firstHeldOpen.await(); // its hotel reservation wrote h0's rooms

            CompletableFuture<Response> second = bookAsync(engine, "second", "f1");
            await().until(() -> engine.stats().contentionWaits() == 1);
            assertThat(second).as("waiting for the first to end").isNotDone();

            releaseFirstFlight.countDown();
            assertThat(first.get().ok()).isTrue();
            assertThat(second.get().ok()).isTrue();

            assertThat(engine.stats().transactionConflicts()).isZero();
            assertThat(engine.stats().transactionsCommitted()).isEqualTo(2);
            assertThat(booked(engine)).isEqualTo(2);
        }
    }

    @Test
    void withoutTheWait_theSecondReadsTheOldValue_andTheFirstConflicts() throws Exception {
        try (Engine engine = engine(Duration.ZERO)) {
            open(engine);
            CompletableFuture<Response> first = bookAsync(engine, "first", "f0");
            firstHeldOpen.await();

            assertThat(bookAsync(engine, "second", "f1").get().ok()).isTrue();
            releaseFirstFlight.countDown();
            assertThat(first.get().ok()).isTrue();

            assertThat(engine.stats().contentionWaits()).isZero();
            assertThat(engine.stats().transactionConflicts()).isEqualTo(1);
            assertThat(booked(engine)).isEqualTo(2);
        }
    }

    @Test
    void writerWhoseExecutionCrashes_releasesItsReaders() throws Exception {
        try (Engine engine = engine(Duration.ofMinutes(10))) {
            open(engine);
            CompletableFuture<Response> first = bookAsync(engine, "first", "f0");
            firstHeldOpen.await();
            CompletableFuture<Response> second = bookAsync(engine, "second", "f1");
            await().until(() -> engine.stats().contentionWaits() == 1);

            crashFirstAtItsEnd = true;
            releaseFirstFlight.countDown();

            assertThat(first)
                    .failsWithin(Duration.ofSeconds(30))
                    .withThrowableThat()
                    .withRootCauseInstanceOf(InjectedCrash.class);
            assertThat(second.get().ok())
                    .as("no longer waiting for a transaction that will not end here")
                    .isTrue();
            assertThat(booked(engine)).isEqualTo(1);
        }
    }

    /** One engine runs all four services; the first booking's flight reservation is held on request. */
    private Engine engine(Duration contentionWait) {
        Engine[] self = new Engine[1];
        self[0] = Engine.builder()
                .store(store)
                .codec(new JsonCodec())
                .services(Workloads.W5)
                .contentionWait(contentionWait)
                .faults((point, invocation, step) -> {
                    if (crashFirstAtItsEnd
                            && point == CrashPoint.BEFORE_STORE_COMMIT
                            && invocation.requestId().equals("first")) {
                        throw new InjectedCrash(point, "the first booking, before it commits");
                    }
                })
                .transport(invocation -> {
                    if (!invocation.requestId().startsWith("first")) {
                        return self[0].invoke(invocation);
                    }
                    if (invocation.service().equals("Flight")) {
                        firstHeldOpen.countDown();
                        awaitUninterruptibly(releaseFirstFlight);
                        return self[0].invoke(invocation);
                    }
                    Response reserved = self[0].invoke(invocation);
                    firstHeldOpen.countDown();
                    return reserved;
                })
                .build();
        return self[0];
    }

    private static void open(Engine engine) {
        submit(engine, "open-h0", "Hotel", "open", "[\"h0\", 10]");
        submit(engine, "open-f0", "Flight", "open", "[\"f0\", 10]");
        submit(engine, "open-f1", "Flight", "open", "[\"f1\", 10]");
    }

    private static CompletableFuture<Response> bookAsync(Engine engine, String id, String flight) {
        return CompletableFuture.supplyAsync(
                () -> submit(engine, id, "Frontend", "book", "[\"u-" + id + "\", \"" + flight + "\", \"h0\"]"),
                Thread.ofVirtual()::start);
    }

    /** How many rooms of h0 are booked, read through {@code engine}, which runs Hotel. */
    static int booked(Engine engine) {
        String capacity = new String(
                submit(engine, "read", "Hotel", "capacity", "[\"h0\"]").value(), UTF_8);
        return Integer.parseInt(capacity.replaceAll(".*\"booked\":(\\d+).*", "$1"));
    }

    static Response submit(Engine engine, String id, String service, String method, String json) {
        return engine.submit(new Invocation(id, service, method, json.getBytes(UTF_8), 0));
    }

    static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
