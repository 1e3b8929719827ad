package dev.mu2sls.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mu2sls.core.CrashPoint;
import dev.mu2sls.core.Engine;
import dev.mu2sls.core.FaultInjector;
import dev.mu2sls.core.InjectedCrash;
import dev.mu2sls.core.Inspector;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.Response;
import dev.mu2sls.examples.counter.CounterDispatcher;
import dev.mu2sls.examples.failing.LedgerDispatcher;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.simulator.FaultPlan;
import dev.mu2sls.simulator.Simulator;
import dev.mu2sls.simulator.SpecComparison;
import dev.mu2sls.simulator.SpecComparison.Request;
import dev.mu2sls.spi.ServiceDefinition;
import dev.mu2sls.store.MemoryStore;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Failure semantics (issue 15, item 4; docs/guarantees.md, "Failures"): an application exception
 * is the request's response, exactly once, and the writes of the segment that threw are discarded;
 * infrastructure failures are retried until the platform gives up and quarantines the request;
 * a request that keeps failing blocks no other.
 */
class FailureSemanticsTest {
    private static final List<ServiceDefinition> SERVICES = List.of(new LedgerDispatcher(), new CounterDispatcher());

    @Test
    void handlerThatThrows_answersItsExceptionExactlyOnce_andItsLastSegmentsWritesAreDiscarded() {
        try (Simulator simulator = Simulator.builder().services(SERVICES).build()) {
            Response failed = simulator.call("f1", "Ledger", "post", "[\"k\", 5, true]");
            Response again = simulator.call("f1", "Ledger", "post", "[\"k\", 5, true]");

            assertThat(failed.ok()).isFalse();
            assertThat(failed.errorType()).isEqualTo(IllegalStateException.class.getName());
            assertThat(failed.errorMessage()).isEqualTo("posting k refused after 1 posts");
            assertThat(again)
                    .as("a duplicate gets the recorded failure, nothing runs again")
                    .isEqualTo(failed);
            assertThat(simulator.inspector().dumpState())
                    .as("the segment persisted before the call stays; the one that threw is discarded")
                    .containsEntry("Ledger.entries[\"k/before\"]", "5")
                    .containsEntry("Counter.counts[\"k\"]", "1")
                    .doesNotContainKey("Ledger.entries[\"k/after\"]");
        }
    }

    @Test
    void handlersThatThrow_underRandomFaultPlans_refineTheSpec() {
        long base = new SplittableRandom().nextLong() >>> 1;
        System.out.println("FailureSemanticsTest: seeds from " + base);
        for (long seed = base; seed < base + 200; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            List<Request> requests = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String key = "k" + random.nextInt(3);
                requests.add(
                        random.nextInt(5) == 0
                                ? new Request("p" + i, "Ledger", "poison", "[\"" + key + "\"]")
                                : new Request(
                                        "p" + i,
                                        "Ledger",
                                        "post",
                                        "[\"" + key + "\", " + random.nextInt(1, 9) + ", " + random.nextBoolean()
                                                + "]"));
            }
            SpecComparison.Result result = SpecComparison.run(SERVICES, FaultPlan.random(seed), requests);

            result.assertEquivalent();
            assertThat(result.implementationState().keySet())
                    .as("seed %d", seed)
                    .noneMatch(key -> key.matches("Ledger\\.entries\\[\"k\\d\"]")); // poison never writes
        }
    }

    /**
     * An infrastructure failure (here: every execution of one request crashes) is retried by the
     * platform, which then gives up and quarantines it, visibly; requests sent meanwhile, and the
     * application failures among them, complete as usual.
     */
    @Test
    void requestThatKeepsFailing_isQuarantinedAfterRetries_andNeverBlocksOthers() throws Exception {
        FaultInjector crashesPoison = (point, invocation, step) -> {
            if (invocation.requestId().startsWith("stuck") && point == CrashPoint.BEFORE_COMPLETE) {
                throw new InjectedCrash(point, invocation + " step " + step);
            }
        };
        AtomicReference<Engine> self = new AtomicReference<>();
        MemoryStore store = new MemoryStore();
        Inspector inspector = new Inspector(store, new JsonCodec());
        try (Engine engine = Engine.builder()
                .store(store)
                .codec(new JsonCodec())
                .faults(crashesPoison)
                .services(SERVICES)
                .transport(invocation -> self.get().invoke(invocation))
                .build()) {
            self.set(engine);
            Thread platform = Thread.ofVirtual().start(() -> {
                Invocation stuck = invocation("stuck", "post", "[\"s\", 1, false]", 0);
                for (int attempt = 0; attempt < 5; attempt++) {
                    Invocation delivery = invocation("stuck", "post", "[\"s\", 1, false]", attempt);
                    assertThatThrownBy(() -> engine.submit(delivery)).isInstanceOf(InjectedCrash.class);
                }
                engine.quarantine(stuck, Engine.QUARANTINED, "the platform gave up after 5 deliveries");
            });
            List<Response> others = IntStream.range(0, 40)
                    .parallel()
                    .mapToObj(i -> engine.submit(
                            i % 4 == 0
                                    ? invocation("poison-" + i, "poison", "[\"x" + i + "\"]", 0)
                                    : invocation("ok-" + i, "post", "[\"o\", 1, false]", 0)))
                    .toList();
            platform.join();

            assertThat(others).filteredOn(Response::ok).hasSize(30);
            assertThat(others).filteredOn(r -> !r.ok()).allSatisfy(r -> assertThat(r.errorType())
                    .isEqualTo(IllegalArgumentException.class.getName()));
            assertThat(inspector.dumpState())
                    .containsEntry("Counter.counts[\"o\"]", "30")
                    .containsEntry("Ledger.entries[\"o/before\"]", "30");
            Response later = engine.submit(invocation("stuck", "post", "[\"s\", 1, false]", 9));
            assertThat(later.ok()).isFalse();
            assertThat(later.errorType()).isEqualTo(Engine.QUARANTINED);
            assertThat(later.errorMessage()).contains("the platform gave up after 5 deliveries");
            assertThat(inspector.requestCounts().quarantined()).isEqualTo(1);
        }
    }

    private static Invocation invocation(String id, String method, String arguments, int attempt) {
        return new Invocation(id, "Ledger", method, arguments.getBytes(UTF_8), attempt);
    }
}
