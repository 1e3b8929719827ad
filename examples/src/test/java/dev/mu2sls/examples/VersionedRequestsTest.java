package dev.mu2sls.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mu2sls.core.CallTransport;
import dev.mu2sls.core.Engine;
import dev.mu2sls.core.Inspector;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.MisdirectedRequestException;
import dev.mu2sls.core.RequestSuspendedException;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.simulator.SimulatedClock;
import dev.mu2sls.store.MemoryStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

/**
 * Code upgrades (issue 15 item 5): an engine records its application version with the requests
 * it runs (acceptance records, timers, sends), so that a platform keeping the older version
 * alive can hand each re-drive to the version that ran it.
 */
class VersionedRequestsTest {
    /** An engine of {@code version} on a platform where no other version is alive. */
    private static Engine.Builder engine(MemoryStore store, SimulatedClock clock, String version) {
        return engine(store, clock, version, (service, other) -> false);
    }

    private static Engine.Builder engine(
            MemoryStore store, SimulatedClock clock, String version, BiPredicate<String, String> alive) {
        return Engine.builder()
                .store(store)
                .codec(new JsonCodec())
                .services(SendsAndTimersTest.SERVICES)
                .clock(clock)
                .applicationVersion(version, alive);
    }

    private static Invocation snooze(String key) {
        return new Invocation(key, "Reminders", "snooze", ("[\"" + key + "\", 60]").getBytes(UTF_8), 0);
    }

    /**
     * A request sleeping on version 1 is woken for version 1: version 2's own timer driver leaves
     * it, a routing driver gets it with its version, and so does recovery after a failed delivery.
     */
    @Test
    void sleepingRequestOfVersion1_isHandedOnWithItsVersion_neverRunByVersion2InProcess() {
        SimulatedClock clock = new SimulatedClock();
        MemoryStore store = new MemoryStore();
        Inspector inspector = new Inspector(store, new JsonCodec());
        try (Engine v1 = engine(store, clock, "1").build();
                Engine v2 = engine(store, clock, "2").build()) {
            assertThatThrownBy(() -> v1.submit(snooze("s"))).isInstanceOf(RequestSuspendedException.class);
            assertThat(inspector.openRequestsByVersion())
                    .as("its timer names version 1")
                    .isEqualTo(Map.of("1", 1));

            clock.advance(Duration.ofMinutes(2));
            assertThat(v2.fireTimers())
                    .as("version 2 wakes no request of version 1 itself")
                    .isZero();

            List<Invocation> handedOn = new CopyOnWriteArrayList<>();
            CallTransport deliveryFails = invocation -> {
                handedOn.add(invocation);
                throw new IllegalStateException("no instance answered");
            };
            assertThat(v2.fireTimers(deliveryFails)).isEqualTo(1);
            assertThat(handedOn).extracting(Invocation::version).containsExactly("1");
            assertThat(inspector.openRequestsByVersion())
                    .as("claimed: its acceptance record names version 1")
                    .isEqualTo(Map.of("1", 1));

            handedOn.clear();
            assertThat(v2.recover(invocation -> {
                        handedOn.add(invocation);
                        return v1.redeliver(invocation);
                    }))
                    .isEqualTo(1);
            assertThat(handedOn).extracting(Invocation::version).containsExactly("1");
            assertThat(inspector.dumpState()).containsEntry("Reminders.woken[\"s\"]", "1");
            assertThat(inspector.openRequestsByVersion()).isEmpty();
        }
    }

    /** A send goes to the version that sent it: its arguments are encoded as that version's callee takes them. */
    @Test
    void send_carriesTheSendersVersion() throws InterruptedException {
        SimulatedClock clock = new SimulatedClock();
        MemoryStore store = new MemoryStore();
        LinkedBlockingQueue<Invocation> sent = new LinkedBlockingQueue<>();
        try (Engine v1 = engine(store, clock, "1")
                .sendTransport(send -> {
                    sent.add(send);
                    throw new IllegalStateException("left for recovery");
                })
                .build()) {
            v1.submit(new Invocation("r", "Reminders", "remind", "[\"k\"]".getBytes(UTF_8), 0));
            Invocation send = sent.poll(10, TimeUnit.SECONDS);
            assertThat(send).as("the send handed to the transport").isNotNull();
            assertThat(send.service()).isEqualTo("Inbox");
            assertThat(send.version()).isEqualTo("1");
        }
        try (Engine v1Again = engine(store, clock, "1").build()) {
            assertThat(v1Again.recover()).as("the claimed send, re-driven").isEqualTo(1);
            assertThat(new Inspector(store, new JsonCodec()).openRequestsByVersion())
                    .isEmpty();
        }
    }

    /**
     * A client's retry of a request version 1 ran reaches version 2 (a gateway cannot tell it from
     * a new request): refused, with nothing recorded, while version 1 is alive; run there once it is gone.
     */
    @Test
    void retryOfARequestVersion1Ran_isRefusedByVersion2WhileVersion1Lives() {
        SimulatedClock clock = new SimulatedClock();
        MemoryStore store = new MemoryStore();
        Inspector inspector = new Inspector(store, new JsonCodec());
        try (Engine v1 = engine(store, clock, "1").build();
                Engine v2WithV1Alive = engine(store, clock, "2", (service, version) -> version.equals("1"))
                        .build();
                Engine v2Alone = engine(store, clock, "2").build()) {
            assertThatThrownBy(() -> v1.submit(snooze("s"))).isInstanceOf(RequestSuspendedException.class);

            assertThatThrownBy(() -> v2WithV1Alive.submit(snooze("s")))
                    .isInstanceOfSatisfying(MisdirectedRequestException.class, e -> {
                        assertThat(e.version()).isEqualTo("1");
                        assertThat(e.requestId()).isEqualTo("s");
                    });
            assertThat(inspector.openRequestsByVersion()).isEqualTo(Map.of("1", 1));
            assertThat(inspector.dumpState()).containsEntry("Reminders.notes[\"s\"]", "\"sleeping\"");

            assertThatThrownBy(() -> v2Alone.submit(snooze("s").withAttempt(1)))
                    .as("version 1 gone: the newest replays it")
                    .isInstanceOf(RequestSuspendedException.class);
            assertThat(inspector.openRequestsByVersion())
                    .as("its timer now names the version that ran it last")
                    .isEqualTo(Map.of("2", 1));
            clock.advance(Duration.ofMinutes(2));
            assertThat(v2Alone.fireTimers()).isEqualTo(1);
            assertThat(inspector.dumpState()).containsEntry("Reminders.woken[\"s\"]", "1");
        }
    }

    @Test
    void invalidVersion_isRefusedWhenBuilding() {
        assertThatThrownBy(() -> Engine.builder().applicationVersion("1 0", (service, version) -> false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("application version '1 0' must be 1 to 40 letters, digits, dots, dashes, underscores "
                        + "or plus signs");
    }
}
