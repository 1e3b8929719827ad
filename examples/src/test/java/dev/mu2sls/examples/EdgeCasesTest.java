package dev.mu2sls.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mu2sls.InvalidRequestException;
import dev.mu2sls.NondeterminismException;
import dev.mu2sls.core.CrashPoint;
import dev.mu2sls.core.Engine;
import dev.mu2sls.core.FaultInjector;
import dev.mu2sls.core.InjectedCrash;
import dev.mu2sls.core.Inspector;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.Response;
import dev.mu2sls.examples.counter.CounterDispatcher;
import dev.mu2sls.examples.flaky.Flaky;
import dev.mu2sls.examples.flaky.FlakyDispatcher;
import dev.mu2sls.examples.flaky.FlakyValue;
import dev.mu2sls.examples.flaky.FlakyValueDispatcher;
import dev.mu2sls.examples.shop.MailerDispatcher;
import dev.mu2sls.examples.shop.ShopDispatcher;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.simulator.FaultPlan;
import dev.mu2sls.simulator.Simulator;
import dev.mu2sls.store.MemoryStore;
import dev.mu2sls.store.Store;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The edges of issue 14 that a property does not pin down by name: one schedule each. */
class EdgeCasesTest {

    /** Item 1: a call that is never awaited still happens, exactly once, before the client's answer. */
    @Test
    void unawaitedCall_completesExactlyOnceBeforeTheAnswer_underCrashes() {
        for (long seed = 0; seed < 200; seed++) {
            FaultPlan plan = FaultPlan.builder(seed)
                    .crashes(0.2, EnumSet.allOf(CrashPoint.class))
                    .faultyAttempts(2)
                    .concurrentDuplicates(0.1)
                    .build();
            try (Simulator simulator = Simulator.builder()
                    .services(List.of(new ShopDispatcher(), new MailerDispatcher()))
                    .faultPlan(plan)
                    .build()) {
                Response response = simulator.call("o" + seed, "Shop", "place", "[\"o" + seed + "\"]");

                assertThat(response.ok()).as("seed %d", seed).isTrue();
                // no quiescence wait: the answer itself waits for the call
                assertThat(simulator.inspector().dumpState())
                        .as("seed %d", seed)
                        .containsEntry("Shop.orders[\"o" + seed + "\"]", "\"placed\"")
                        .containsEntry("Mailer.sent[\"o" + seed + "\"]", "1");
            }
        }
    }

    /** Item 5: a replay that writes the key its journal holds, with another value, is divergence. */
    @Test
    void replayWritingAnotherValueToTheSameKey_isQuarantinedAsNondeterministic() {
        FlakyValue.EXECUTIONS.set(0);
        FaultPlan plan =
                FaultPlan.builder(1).crashAt("fv-1", CrashPoint.BEFORE_CALL, 1).build();
        try (Simulator simulator = Simulator.builder()
                .services(List.of(new FlakyValueDispatcher(), new CounterDispatcher()))
                .faultPlan(plan)
                .build()) {
            Response response = simulator.call("fv-1", "FlakyValue", "write", "[\"k\"]");

            assertThat(response.ok()).isFalse();
            assertThat(response.errorType()).isEqualTo(NondeterminismException.class.getName());
            assertThat(response.errorMessage()).contains("fv-1", "diverged on replay", "PUT FlakyValue.notes[\"k\"]");
            assertThat(simulator.inspector().dumpState())
                    .containsEntry("FlakyValue.notes[\"k\"]", "\"first\"")
                    .doesNotContainKey("Counter.counts[\"k\"]");
        }
    }

    /** Item 6: a request whose completing commit lost its reply is still reported to the listener, once. */
    @Test
    void completionWhoseCommitReplyWasLost_reachesTheListenerOnce() {
        Map<String, AtomicInteger> completions = new ConcurrentHashMap<>();
        FaultPlan plan = FaultPlan.builder(7).lostReplies(0.5).faultyAttempts(1).build();
        try (Simulator simulator = Simulator.builder()
                .services(List.of(new CounterDispatcher()))
                .faultPlan(plan)
                .listener((requestId, journal) -> completions
                        .computeIfAbsent(requestId, id -> new AtomicInteger())
                        .incrementAndGet())
                .build()) {
            for (int i = 0; i < 20; i++) {
                assertThat(simulator
                                .call("r" + i, "Counter", "add", "[\"k\", 1]")
                                .value())
                        .asString(UTF_8)
                        .isEqualTo(String.valueOf(i + 1));
            }
            assertThat(simulator.faults().lostReplies()).as("replies lost").isPositive();
        }
        assertThat(completions).hasSize(20);
        assertThat(completions.values()).allSatisfy(count -> assertThat(count).hasValue(1));
    }

    /** A request id sent again with other arguments is refused, not answered with the first response. */
    @Test
    void requestIdReusedForAnotherRequest_isRefused_onEveryPath() {
        try (Simulator simulator =
                Simulator.builder().services(List.of(new CounterDispatcher())).build()) {
            simulator.call("r1", "Counter", "add", "[\"k\", 1]");

            for (int attempt : new int[] {0, 1}) {
                Invocation other = new Invocation("r1", "Counter", "add", "[\"k\", 2]".getBytes(UTF_8), attempt);
                assertThatThrownBy(() -> simulator.engine().submit(other))
                        .as("attempt %d", attempt)
                        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.reason())
                                .isEqualTo(InvalidRequestException.Reason.IDEMPOTENCY_KEY_REUSED));
            }
            assertThat(simulator.call("r1", "Counter", "add", "[\"k\", 1]").value())
                    .as("the same request again")
                    .asString(UTF_8)
                    .isEqualTo("1");
            assertThat(simulator.inspector().dumpState()).containsEntry("Counter.counts[\"k\"]", "1");
        }
    }

    /**
     * Item 4: recovery after a code change meets a request that diverges on replay; it is
     * quarantined with its report, and every other accepted request is re-driven.
     */
    @Test
    void recovery_quarantinesAPoisonRequest_andRedrivesTheOthers() {
        Flaky.EXECUTIONS.set(0);
        Store store = new MemoryStore();
        // the first process crashes: Flaky after journaling its PUT, each counter request before it completes
        FaultInjector crashes = (point, invocation, step) -> {
            boolean flakyBeforeCall = invocation.service().equals("Flaky") && point == CrashPoint.BEFORE_CALL;
            boolean counterCommit = invocation.requestId().startsWith("c") && point == CrashPoint.BEFORE_COMPLETE;
            if (flakyBeforeCall || counterCommit) {
                throw new InjectedCrash(point, invocation + " step " + step);
            }
        };
        try (Engine first = engine(store, crashes)) {
            for (String id : List.of("c1", "flaky-1", "c2")) {
                String service = id.startsWith("c") ? "Counter" : "Flaky";
                String method = id.startsWith("c") ? "add" : "write";
                String arguments = id.startsWith("c") ? "[\"k\", 1]" : "[\"k\"]";
                Invocation accepted = new Invocation(id, service, method, arguments.getBytes(UTF_8), 1);
                assertThatThrownBy(() -> first.submit(accepted)).as(id).isInstanceOf(InjectedCrash.class);
            }
        }

        try (Engine restarted = engine(store, FaultInjector.NONE)) {
            assertThat(restarted.recover())
                    .as("requests re-driven, the poison one ending quarantined")
                    .isEqualTo(3);
            assertThat(restarted.stats().requestsQuarantined()).isEqualTo(1);
            assertThat(new Inspector(store, new JsonCodec()).dumpState()).containsEntry("Counter.counts[\"k\"]", "2");

            Response poison =
                    restarted.submit(new Invocation("flaky-1", "Flaky", "write", "[\"k\"]".getBytes(UTF_8), 1));
            assertThat(poison.ok()).isFalse();
            assertThat(poison.errorMessage()).contains("quarantined", "diverged on replay");
            assertThat(restarted.recover()).as("nothing is left accepted").isZero();
        }
    }

    private static Engine engine(Store store, FaultInjector faults) {
        AtomicReference<Engine> self = new AtomicReference<>();
        Engine engine = Engine.builder()
                .store(store)
                .codec(new JsonCodec())
                .faults(faults)
                .services(List.of(new FlakyDispatcher(), new CounterDispatcher()))
                .transport(invocation -> self.get().invoke(invocation))
                .build();
        self.set(engine);
        return engine;
    }
}
