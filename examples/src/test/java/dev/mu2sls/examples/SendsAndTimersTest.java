package dev.mu2sls.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mu2sls.core.CallTransport;
import dev.mu2sls.core.Engine;
import dev.mu2sls.core.ExecutionExpiredException;
import dev.mu2sls.core.Inspector;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.RequestSuspendedException;
import dev.mu2sls.core.Response;
import dev.mu2sls.examples.reminders.InboxDispatcher;
import dev.mu2sls.examples.reminders.RemindersDispatcher;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.simulator.SimulatedClock;
import dev.mu2sls.simulator.Simulator;
import dev.mu2sls.spi.ServiceDefinition;
import dev.mu2sls.store.MemoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * One-way sends and durable timers (issue 15, items 1 and 3), one scenario each, on the engine
 * and the simulator without faults; {@link SendTimerProperties} runs them under fault plans.
 */
class SendsAndTimersTest {
    static final List<ServiceDefinition> SERVICES = List.of(new RemindersDispatcher(), new InboxDispatcher());
    private static final byte[] TIMERS_FROM = {'D'};
    private static final byte[] TIMERS_TO = {'E'};

    private static Invocation request(String id, String method, String json) {
        return new Invocation(id, "Reminders", method, json.getBytes(UTF_8), 0);
    }

    private static String value(Response response) {
        assertThat(response.ok()).as("%s", response).isTrue();
        return new String(response.value(), UTF_8);
    }

    @Test
    void send_isDeliveredOnce_andItsRecordDropped() throws TimeoutException {
        try (Simulator simulator =
                Simulator.builder().services(SERVICES).acceptDurably(true).build()) {
            assertThat(value(simulator.call("r1", "Reminders", "remind", "[\"a\"]")))
                    .isEqualTo("\"sent a\"");
            simulator.settle(Duration.ofSeconds(10));
            assertThat(simulator.inspector().dumpState()).containsEntry("Inbox.received[\"a\"]", "1");
            assertThat(simulator.store().scan(TIMERS_FROM, TIMERS_TO, 10))
                    .as("timer records left")
                    .isEmpty();
            // the caller's duplicate replays the send step: nothing is sent again
            simulator.call(new Invocation("r1", "Reminders", "remind", "[\"a\"]".getBytes(UTF_8), 5));
            simulator.settle(Duration.ofSeconds(10));
            assertThat(simulator.inspector().dumpState()).containsEntry("Inbox.received[\"a\"]", "1");
        }
    }

    @Test
    void sendInATransaction_isDeliveredOnlyIfItCommits() throws TimeoutException {
        try (Simulator simulator =
                Simulator.builder().services(SERVICES).acceptDurably(true).build()) {
            assertThat(value(simulator.call("c", "Reminders", "remindInTransaction", "[\"c\", true]")))
                    .isEqualTo("\"committed c\"");
            assertThat(value(simulator.call("x", "Reminders", "remindInTransaction", "[\"x\", false]")))
                    .isEqualTo("\"aborted x\"");
            simulator.settle(Duration.ofSeconds(10));
            assertThat(simulator.inspector().dumpState())
                    .containsEntry("Inbox.received[\"c\"]", "1")
                    .doesNotContainKey("Inbox.received[\"x\"]")
                    .doesNotContainKey("Reminders.notes[\"x\"]");
            assertThat(simulator.store().scan(TIMERS_FROM, TIMERS_TO, 10))
                    .as("timer records left")
                    .isEmpty();
        }
    }

    @Test
    void delayedSend_waitsForItsTime_thenFiresOnce() {
        SimulatedClock clock = new SimulatedClock();
        try (Simulator simulator = Simulator.builder()
                .services(SERVICES)
                .clock(clock)
                .acceptDurably(true)
                .build()) {
            Engine engine = simulator.engine();
            Inspector inspector = simulator.inspector();
            value(simulator.call("later", "Reminders", "remindLater", "[\"l\", 1800]"));
            assertThat(engine.fireTimers()).as("delivered before due").isZero();
            assertThat(inspector.dumpState()).doesNotContainKey("Inbox.received[\"l\"]");
            clock.advance(Duration.ofMinutes(30));
            assertThat(engine.fireTimers()).as("delivered when due").isEqualTo(1);
            assertThat(engine.fireTimers()).as("delivered again").isZero();
            assertThat(inspector.dumpState()).containsEntry("Inbox.received[\"l\"]", "1");
        }
    }

    /**
     * A sleep longer than the maximum execution age (A6) does not expire the request: the timer's
     * delivery is a new delivery with a deadline of its own.
     */
    @Test
    void sleepLongerThanTheExecutionAge_suspendsWithoutAThread_andResumesOnce() {
        SimulatedClock clock = new SimulatedClock();
        MemoryStore store = new MemoryStore();
        Inspector inspector = new Inspector(store, new JsonCodec());
        try (Engine engine = Engine.builder()
                .store(store)
                .codec(new JsonCodec())
                .services(SERVICES)
                .clock(clock)
                .maxExecutionAge(Duration.ofMinutes(1))
                .build()) {
            assertThatThrownBy(() -> engine.submit(request("s", "snooze", "[\"s\", 300]")))
                    .isInstanceOfSatisfying(RequestSuspendedException.class, e -> assertThat(e.dueMillis())
                            .isBetween(clock.millis() + 299_000, clock.millis() + 300_000));
            assertThat(inspector.requestCounts().running())
                    .as("the request is running, its journal durable")
                    .isEqualTo(1);
            assertThat(engine.recover())
                    .as("nothing to recover or fire yet: it sleeps under its timer")
                    .isZero();
            clock.advance(Duration.ofMinutes(2));
            assertThat(engine.fireTimers()).as("fired before due").isZero();
            clock.advance(Duration.ofMinutes(4)); // 6 minutes in all: 6 times the execution age
            assertThat(engine.fireTimers()).isEqualTo(1);
            assertThat(inspector.dumpState()).containsEntry("Reminders.woken[\"s\"]", "1");
            assertThat(value(
                            engine.submit(request("s", "snooze", "[\"s\", 300]").withAttempt(1))))
                    .isEqualTo("1");
            assertThat(inspector.requestCounts().running()).isZero();
            assertThat(inspector.requestCounts().journalChunks()).isZero();
        }
    }

    @Test
    void simulatorClient_ofASleepingRequest_getsItsAnswerAfterTheClockJumps() {
        try (Simulator simulator =
                Simulator.builder().services(SERVICES).acceptDurably(true).build()) {
            long before = simulator.clock().millis();
            assertThat(value(simulator.call("z", "Reminders", "snooze", "[\"z\", 3600]")))
                    .isEqualTo("1");
            assertThat(simulator.clock().millis() - before).isGreaterThanOrEqualTo(3_600_000);
        }
    }

    private static final Duration RETENTION = Duration.ofMinutes(10);
    private static final Duration MAX_AGE = Duration.ofMinutes(1);

    /**
     * A driver claims a send, then stalls before delivering it; meanwhile another delivery runs it
     * to completion and time passes the retention, so its records expire. The stalled delivery's
     * deadline runs from its claim (A6): it is refused instead of running the send a second time.
     */
    @Test
    void claimedSendDeliveredAfterItsRecordsExpired_isRefused() throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
        MemoryStore store = new MemoryStore();
        StalledDelivery stalled = new StalledDelivery(now);
        try (Engine engine = clocked(store, now).sendTransport(stalled).build()) {
            stalled.engine = engine;
            assertThat(value(engine.submit(request("r", "remind", "[\"k\"]")))).isEqualTo("\"sent k\"");
            stalled.senderFinished.countDown();
            assertThat(stalled.outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionExpiredException.class);
            assertThat(new Inspector(store, new JsonCodec()).dumpState()).containsEntry("Inbox.received[\"k\"]", "1");
        }
    }

    /** The same for recovery: a re-drive that stalls after reading the acceptance record. */
    @Test
    void recoveryRedriveStartedAfterTheRecordsExpired_isRefused() throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
        MemoryStore store = new MemoryStore();
        try (Engine crashed = clocked(store, now)
                .sendTransport(send -> {
                    throw new IllegalStateException("the process died before delivering " + send);
                })
                .build()) {
            assertThat(value(crashed.submit(request("r", "remind", "[\"k\"]")))).isEqualTo("\"sent k\"");
        }
        StalledDelivery stalled = new StalledDelivery(now);
        try (Engine restarted = clocked(store, now).build()) {
            stalled.engine = restarted;
            stalled.senderFinished.countDown();
            restarted.recover(stalled);
            assertThat(stalled.outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionExpiredException.class);
            assertThat(new Inspector(store, new JsonCodec()).dumpState()).containsEntry("Inbox.received[\"k\"]", "1");
        }
    }

    private static Engine.Builder clocked(MemoryStore store, AtomicReference<Instant> now) {
        return Engine.builder()
                .store(store)
                .codec(new JsonCodec())
                .services(SERVICES)
                .clock(now::get)
                .responseRetention(RETENTION)
                .maxExecutionAge(MAX_AGE);
    }

    /**
     * A delivery that stalls before it starts: meanwhile another delivery (without the stall) runs
     * the request to completion, time passes the retention and its records expire.
     *
     * <p>The sender's engine hands a send over on a thread of its own as soon as the send's segment
     * commits, before the sending request has finished; the clock moves only once it has, or the
     * jump would expire the sender instead.
     */
    private static final class StalledDelivery implements CallTransport {
        final AtomicReference<Instant> now;
        final CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        final CountDownLatch senderFinished = new CountDownLatch(1);
        volatile Engine engine;

        StalledDelivery(AtomicReference<Instant> now) {
            this.now = now;
        }

        @Override
        public Response call(Invocation delivery) {
            try {
                engine.redeliver(delivery.withDeadline(0));
                if (!senderFinished.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the sending request did not finish");
                }
                now.set(now.get().plus(RETENTION.plus(MAX_AGE.multipliedBy(3))));
                engine.expireResponses();
                Response late = engine.redeliver(delivery);
                outcome.complete(new AssertionError("the late delivery ran: " + late));
                return late;
            } catch (RuntimeException refused) {
                outcome.complete(refused);
                throw refused;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcome.complete(e);
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void sendsLeftByACrash_areDeliveredByRecover_once() {
        MemoryStore store = new MemoryStore();
        Inspector inspector = new Inspector(store, new JsonCodec());
        AtomicInteger attempts = new AtomicInteger();
        try (Engine crashed = Engine.builder()
                .store(store)
                .codec(new JsonCodec())
                .services(SERVICES)
                .sendTransport(send -> {
                    attempts.incrementAndGet();
                    throw new IllegalStateException("the process died before delivering " + send);
                })
                .build()) {
            assertThat(value(crashed.submit(request("r", "remind", "[\"k\"]")))).isEqualTo("\"sent k\"");
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (attempts.get() == 0 && System.nanoTime() < until) {
                Thread.onSpinWait(); // the sender's engine delivers after the commit, on a thread of its own
            }
            assertThat(attempts).as("delivery attempted after the commit").hasValue(1);
            assertThat(inspector.dumpState()).doesNotContainKey("Inbox.received[\"k\"]");
        }
        try (Engine restarted = Engine.builder()
                .store(store)
                .codec(new JsonCodec())
                .services(SERVICES)
                .build()) {
            assertThat(restarted.recover()).isEqualTo(1);
            assertThat(restarted.recover()).isZero();
            assertThat(inspector.dumpState()).containsEntry("Inbox.received[\"k\"]", "1");
        }
    }

    @Test
    void sleepInACalledMethod_failsWithTheRule() {
        try (Engine engine = Engine.builder()
                .store(new MemoryStore())
                .codec(new JsonCodec())
                .services(SERVICES)
                .build()) {
            Response response =
                    engine.invoke(new Invocation("caller/3", "Inbox", "receive", "[\"k~\"]".getBytes(UTF_8), 0));
            assertThat(response.ok()).isFalse();
            assertThat(response.errorType()).isEqualTo(IllegalStateException.class.getName());
            assertThat(response.errorMessage()).contains("cannot sleep").contains("send it one-way");
        }
    }
}
