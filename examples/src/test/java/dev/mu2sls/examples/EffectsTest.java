package dev.mu2sls.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mu2sls.EffectFailedException;
import dev.mu2sls.core.CrashPoint;
import dev.mu2sls.core.Engine;
import dev.mu2sls.core.FaultInjector;
import dev.mu2sls.core.InjectedCrash;
import dev.mu2sls.core.Inspector;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.Mode;
import dev.mu2sls.core.Response;
import dev.mu2sls.examples.effects.CardDeclinedException;
import dev.mu2sls.examples.effects.Checkout;
import dev.mu2sls.examples.effects.CheckoutDispatcher;
import dev.mu2sls.examples.effects.FakePaymentApi;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.simulator.Simulator;
import dev.mu2sls.spec.RecordedChoices;
import dev.mu2sls.spec.SpecRunner;
import dev.mu2sls.store.MemoryStore;
import dev.mu2sls.store.Store;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Journaled side effects ({@code Effects.run}), one schedule each; {@link EffectProperties} runs them under fault plans. */
class EffectsTest {
    private final Store store = new MemoryStore();

    @Test
    void effect_runsOnce_andADuplicateIsAnsweredWithoutRunningIt() {
        FakePaymentApi api = FakePaymentApi.install(false);
        try (Engine engine = engine(FaultInjector.NONE, Mode.FULL)) {
            Response first = engine.submit(pay("p1", "o1", 30, 0));
            Response again = engine.submit(pay("p1", "o1", 30, 1));

            assertThat(first.ok()).isTrue();
            assertThat(again).isEqualTo(first);
            assertThat(api.calls()).isEqualTo(1);
            assertThat(api.keysSeen()).containsExactly("p1#1");
            assertThat(new Inspector(store, new JsonCodec()).dumpState())
                    .containsEntry("Checkout.revenue", "30")
                    .containsEntry("Checkout.receipts[\"o1\"]", new String(first.value(), UTF_8));
        }
    }

    /** The window of at-least-once: the body returned, its outcome was not journaled yet. */
    @Test
    void crashBeforeTheOutcomeIsJournaled_runsTheBodyAgain_underTheSameKey() {
        FakePaymentApi api = FakePaymentApi.install(true);
        // the pay handler persists twice before completing: its read before the body, the outcome after it
        FaultInjector crashAtSecondPersist = crashAt(CrashPoint.BEFORE_STORE_COMMIT, 2);
        try (Engine engine = engine(crashAtSecondPersist, Mode.FULL)) {
            assertThatThrownBy(() -> engine.submit(pay("p2", "o2", 40, 0))).isInstanceOf(InjectedCrash.class);
            Response retried = engine.submit(pay("p2", "o2", 40, 1));

            assertThat(retried.ok()).isTrue();
            assertThat(api.calls()).as("body executions").isEqualTo(2);
            assertThat(api.keysSeen()).containsExactly("p2#1", "p2#1");
            assertThat(api.chargesByOrder().get("o2"))
                    .as("charges: the provider deduplicated by key")
                    .hasSize(1);
            assertThat(new Inspector(store, new JsonCodec()).dumpState()).containsEntry("Checkout.revenue", "40");
        }
    }

    /** Once journaled, a crash anywhere later replays the outcome and never runs the body again. */
    @Test
    void crashAfterTheOutcomeIsJournaled_replaysIt_withoutRunningTheBody() {
        FakePaymentApi api = FakePaymentApi.install(false);
        try (Engine engine = engine(crashAt(CrashPoint.BEFORE_COMPLETE, 1), Mode.FULL)) {
            assertThatThrownBy(() -> engine.submit(pay("p3", "o3", 50, 0))).isInstanceOf(InjectedCrash.class);
            Response retried = engine.submit(pay("p3", "o3", 50, 1));

            assertThat(retried.ok()).isTrue();
            assertThat(api.calls()).isEqualTo(1);
            assertThat(new Inspector(store, new JsonCodec()).dumpState())
                    .containsEntry("Checkout.receipts[\"o3\"]", new String(retried.value(), UTF_8));
        }
    }

    @Test
    void transientFailures_areRetriedInsideTheExecution_byTheServiceDefault() {
        FakePaymentApi api = FakePaymentApi.install(true);
        api.failNext(2); // @EffectRetry(maxAttempts = 3) on Checkout
        try (Engine engine = engine(FaultInjector.NONE, Mode.FULL)) {
            Response response = engine.submit(pay("p4", "o4", 10, 0));

            assertThat(response.ok()).isTrue();
            assertThat(api.calls()).isEqualTo(3);
            assertThat(api.keysSeen()).containsOnly("p4#1");
        }
    }

    @Test
    void attemptsUsedUp_journalTheFailure_andEveryExecutionGetsIt() {
        FakePaymentApi api = FakePaymentApi.install(true);
        api.failNext(3);
        try (Engine engine = engine(crashAt(CrashPoint.BEFORE_COMPLETE, 1), Mode.FULL)) {
            assertThatThrownBy(() -> engine.submit(pay("p5", "o5", 10, 0))).isInstanceOf(InjectedCrash.class);
            Response response = engine.submit(pay("p5", "o5", 10, 1));

            assertThat(response.ok()).isFalse();
            assertThat(response.errorType()).isEqualTo(EffectFailedException.class.getName());
            assertThat(response.errorMessage())
                    .isEqualTo("effect 'charge' failed with " + UncheckedIOException.class.getName()
                            + ": java.io.IOException: payment provider unreachable");
            assertThat(api.calls()).as("3 attempts, then never again").isEqualTo(3);
        }
    }

    @Test
    void terminalException_endsTheEffectAtOnce_andTheHandlerMayCatchIt() {
        FakePaymentApi api = FakePaymentApi.install(true);
        try (Engine engine = engine(FaultInjector.NONE, Mode.FULL)) {
            Response declined = engine.submit(pay("p6", "o6", -1, 0));
            Response caught =
                    engine.submit(new Invocation("p7", "Checkout", "payOnce", "[\"o7\", 5]".getBytes(UTF_8), 0));

            assertThat(declined.errorType()).isEqualTo(EffectFailedException.class.getName());
            assertThat(declined.errorMessage())
                    .contains(CardDeclinedException.class.getName(), "amount must be positive: -1");
            assertThat(api.calls()).as("a terminal type is not retried").isEqualTo(2);
            assertThat(caught.ok()).isTrue();
        }
        FakePaymentApi.install(true).failNext(1);
        try (Engine engine = engine(FaultInjector.NONE, Mode.FULL)) {
            Response once =
                    engine.submit(new Invocation("p8", "Checkout", "payOnce", "[\"o8\", 5]".getBytes(UTF_8), 0));

            assertThat(new String(once.value(), UTF_8))
                    .as("noRetries: the first failure is final")
                    .isEqualTo("\"declined\"");
            assertThat(new Inspector(store, new JsonCodec()).dumpState())
                    .containsEntry(
                            "Checkout.receipts[\"o8\"]", "\"declined: " + UncheckedIOException.class.getName() + "\"");
        }
    }

    @Test
    void idempotencyKeys_areTheRequestIdAndStep_andRequestContextNamesTheRequest() {
        try (Simulator simulator =
                Simulator.builder().services(List.of(new CheckoutDispatcher())).build()) {
            Response keys = simulator.call("k1", "Checkout", "keys", "[]");

            assertThat(new String(keys.value(), UTF_8)).isEqualTo("[\"k1\",\"k1#0\",\"k1 k1#1\"]");
        }
    }

    @Test
    void journaledOperations_insideABody_areRefused() {
        try (Simulator simulator =
                Simulator.builder().services(List.of(new CheckoutDispatcher())).build()) {
            Response response = simulator.call("m1", "Checkout", "misuse", "[]");

            assertThat(new String(response.value(), UTF_8))
                    .contains(
                            IllegalStateException.class.getName(),
                            "Deterministic.uuid() cannot be used inside the body of effect 'misuse'");
        }
    }

    @Test
    void voidEffect_runsOnceAcrossACrashAfterIt() {
        Checkout.NOTIFICATIONS.set(0);
        try (Engine engine = engine(crashAt(CrashPoint.BEFORE_COMPLETE, 1), Mode.FULL)) {
            Invocation notify = new Invocation("n1", "Checkout", "notifyCustomer", "[\"o9\"]".getBytes(UTF_8), 0);
            assertThatThrownBy(() -> engine.submit(notify)).isInstanceOf(InjectedCrash.class);
            Response response =
                    engine.submit(new Invocation("n1", "Checkout", "notifyCustomer", "[\"o9\"]".getBytes(UTF_8), 1));

            assertThat(response.ok()).isTrue();
            assertThat(Checkout.NOTIFICATIONS).hasValue(1);
        }
    }

    /** Effects are not transactional: an aborted transaction keeps its charge (and says so in Effects' javadoc). */
    @Test
    void effectInsideAnAbortedTransaction_isNotRolledBack() {
        FakePaymentApi api = FakePaymentApi.install(true);
        try (Simulator simulator =
                Simulator.builder().services(List.of(new CheckoutDispatcher())).build()) {
            Response aborted = simulator.call("t1", "Checkout", "payInTransaction", "[\"o10\", 7, true]");
            Response committed = simulator.call("t2", "Checkout", "payInTransaction", "[\"o11\", 8, false]");

            assertThat(aborted.ok()).isTrue();
            assertThat(committed.ok()).isTrue();
            assertThat(api.chargesByOrder()).containsOnlyKeys("o10", "o11");
            assertThat(simulator.inspector().dumpState())
                    .doesNotContainKey("Checkout.receipts[\"o10\"]")
                    .containsEntry("Checkout.receipts[\"o11\"]", "\"pending\"");
        }
    }

    /** The checker's spec run takes each effect's journaled outcome and never calls out. */
    @Test
    void specRun_replaysJournaledOutcomes_andNeverRunsABody() {
        FakePaymentApi api = FakePaymentApi.install(false);
        Checkout.NOTIFICATIONS.set(0);
        RecordedChoices choices = new RecordedChoices(1);
        List<String[]> requests = List.of(
                new String[] {"s1", "pay", "[\"o1\", 3]"},
                new String[] {"s2", "pay", "[\"o2\", 4]"},
                new String[] {"s3", "notifyCustomer", "[\"o1\"]"},
                new String[] {"s4", "payOnce", "[\"o3\", -1]"});
        List<Response> implementation = new ArrayList<>();
        try (Simulator simulator = Simulator.builder()
                .services(List.of(new CheckoutDispatcher()))
                .listener(choices)
                .build()) {
            requests.forEach(r -> implementation.add(simulator.call(r[0], "Checkout", r[1], r[2])));
        }
        int charges = api.calls();
        assertThat(charges).isEqualTo(3);
        assertThat(Checkout.NOTIFICATIONS).hasValue(1);

        SpecRunner spec = new SpecRunner(List.of(new CheckoutDispatcher()), new JsonCodec(), choices);
        for (int i = 0; i < requests.size(); i++) {
            String[] r = requests.get(i);
            assertThat(spec.call(r[0], "Checkout", r[1], r[2])).as(r[0]).isEqualTo(implementation.get(i));
        }
        Response neverRun = spec.call("s5", "Checkout", "pay", "[\"o4\", 5]");

        assertThat(api.calls()).as("bodies run by the spec").isEqualTo(charges);
        assertThat(Checkout.NOTIFICATIONS).hasValue(1);
        assertThat(neverRun.errorMessage())
                .contains("no journaled outcome for effect 'charge' at step 1 of request s5");
    }

    /** Without the journal (Mode.UNSAFE) every execution runs the body again: what the journal saves. */
    @Test
    void unsafeMode_runsTheBodyOnEveryExecution() {
        FakePaymentApi api = FakePaymentApi.install(false);
        try (Engine engine = engine(crashAt(CrashPoint.STEP, 3), Mode.UNSAFE)) {
            assertThatThrownBy(() -> engine.submit(pay("u1", "o12", 5, 0))).isInstanceOf(InjectedCrash.class);
            engine.submit(pay("u1", "o12", 5, 1));

            assertThat(api.calls()).isEqualTo(2);
            assertThat(api.chargesByOrder().get("o12")).hasSize(2);
        }
    }

    private static Invocation pay(String id, String order, long amount, int attempt) {
        return new Invocation(id, "Checkout", "pay", ("[\"" + order + "\", " + amount + "]").getBytes(UTF_8), attempt);
    }

    /** Crashes the first delivery (attempt 0) the {@code nth} time it reaches {@code point}. */
    private static FaultInjector crashAt(CrashPoint point, int nth) {
        AtomicInteger hits = new AtomicInteger();
        return (at, invocation, step) -> {
            if (at == point && invocation.attempt() == 0 && hits.incrementAndGet() == nth) {
                throw new InjectedCrash(point, invocation + " step " + step);
            }
        };
    }

    private Engine engine(FaultInjector faults, Mode mode) {
        return Engine.builder()
                .store(store)
                .codec(new JsonCodec())
                .faults(faults)
                .mode(mode)
                .services(List.of(new CheckoutDispatcher()))
                .transport(invocation -> {
                    throw new AssertionError("no calls expected: " + invocation);
                })
                .build();
    }
}
