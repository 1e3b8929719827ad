package dev.mu2sls.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mu2sls.core.CrashPoint;
import dev.mu2sls.core.Engine;
import dev.mu2sls.core.InjectedCrash;
import dev.mu2sls.core.Inspector;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.examples.chain.Caller1Dispatcher;
import dev.mu2sls.examples.chain.Caller2Dispatcher;
import dev.mu2sls.examples.counter.CounterDispatcher;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.store.MemoryStore;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * When a client request ({@code Engine.submit}) becomes accepted: with its first durable effect.
 * A crash before any leaves no trace and nothing to re-drive; once a call has left, or a segment
 * is persisted, {@code Engine.recover} completes it even if no one delivers it again (G4).
 */
class AcceptanceTest {

    /** An engine over W1 and W2 on one store, calling itself, that crashes client requests at {@code point}. */
    private static Engine engine(MemoryStore store, CrashPoint point) {
        AtomicReference<Engine> self = new AtomicReference<>();
        Engine engine = Engine.builder()
                .store(store)
                .codec(new JsonCodec())
                .services(List.of(new CounterDispatcher(), new Caller1Dispatcher(), new Caller2Dispatcher()))
                .transport(call -> self.get().invoke(call))
                .faults((at, invocation, step) -> {
                    if (at == point && invocation.requestId().equals("client")) {
                        throw new InjectedCrash(at, invocation + " at step " + step);
                    }
                })
                .build();
        self.set(engine);
        return engine;
    }

    private static SortedMap<String, String> state(MemoryStore store) {
        return new Inspector(store, new JsonCodec()).dumpState();
    }

    private static Invocation add(String service) {
        return new Invocation("client", service, "add", "[\"k\", 5]".getBytes(UTF_8), 0);
    }

    @Test
    void crashBeforeTheOnlyPersist_leavesNoTrace_nothingToRedrive() {
        MemoryStore store = new MemoryStore();
        try (Engine crashing = engine(store, CrashPoint.BEFORE_COMPLETE)) {
            assertThatThrownBy(() -> crashing.submit(add("Counter"))).isInstanceOf(InjectedCrash.class);
        }
        try (Engine restarted = engine(store, null)) {
            assertThat(restarted.recover()).as("requests re-driven").isZero();
            assertThat(state(store)).doesNotContainKey("Counter.counts[\"k\"]");
            // the client's retry runs it
            assertThat(new String(restarted.submit(add("Counter")).value(), UTF_8))
                    .isEqualTo("5");
        }
    }

    @Test
    void crashAfterACallLeft_isAccepted_recoverCompletesItOnce() {
        MemoryStore store = new MemoryStore();
        try (Engine crashing = engine(store, CrashPoint.AFTER_CALL_REPLY)) {
            assertThatThrownBy(() -> crashing.submit(add("Caller1"))).isInstanceOf(InjectedCrash.class);
            assertThat(state(store)).as("the callee's effect is durable").containsEntry("Counter.counts[\"k\"]", "5");
        }
        try (Engine restarted = engine(store, null)) {
            assertThat(restarted.recover()).as("requests re-driven").isEqualTo(1);
            assertThat(state(store)).containsEntry("Counter.counts[\"k\"]", "5");
            assertThat(restarted.recover()).as("requests left after completion").isZero();
            assertThat(new String(restarted.submit(add("Caller1")).value(), UTF_8))
                    .isEqualTo("5");
            assertThat(state(store)).containsEntry("Counter.counts[\"k\"]", "5");
        }
    }

    /** Found by the after-run check (issue 18): a completion by a delivery that wrote no acceptance record left it behind. */
    @Test
    void retryFindingItCompletedByADuplicate_dropsTheAcceptanceRecord() {
        MemoryStore store = new MemoryStore();
        try (Engine crashing = engine(store, CrashPoint.BEFORE_COMPLETE)) {
            // a client's retry (attempt 1) records its acceptance before it runs, then crashes
            assertThatThrownBy(() -> crashing.submit(add("Counter").withAttempt(1)))
                    .isInstanceOf(InjectedCrash.class);
        }
        try (Engine engine = engine(store, null)) {
            engine.invoke(add("Counter").withAttempt(7)); // a platform's duplicate delivery completes it
            assertThat(new String(engine.submit(add("Counter").withAttempt(2)).value(), UTF_8))
                    .isEqualTo("5");
            assertThat(engine.recover())
                    .as("accepted requests left to re-drive")
                    .isZero();
            assertThat(state(store)).containsEntry("Counter.counts[\"k\"]", "5");
        }
    }
}
