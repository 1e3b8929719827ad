package dev.mu2sls.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.core.Engine;
import dev.mu2sls.core.EngineStats;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.examples.bank.AccountDispatcher;
import dev.mu2sls.examples.bank.BankDispatcher;
import dev.mu2sls.examples.counter.CounterDispatcher;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.store.MemoryStore;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Each engine serves state reads from its own cache of values it read or committed. Two engines
 * over one store stand for two instances of a service: a value one of them cached and the other
 * overwrote is stale, must be found so when validated, and must never reach a response.
 */
class StateCacheTest {
    private final AtomicInteger ids = new AtomicInteger();

    private static Engine engine(MemoryStore store) {
        AtomicReference<Engine> self = new AtomicReference<>();
        Engine engine = Engine.builder()
                .store(store)
                .codec(new JsonCodec())
                .services(List.of(new CounterDispatcher(), new BankDispatcher(), new AccountDispatcher()))
                .transport(call -> self.get().invoke(call))
                .build();
        self.set(engine);
        return engine;
    }

    private String call(Engine engine, String service, String method, String args) {
        Invocation invocation = new Invocation("r" + ids.incrementAndGet(), service, method, args.getBytes(UTF_8), 0);
        return new String(engine.invoke(invocation).value(), UTF_8);
    }

    @Test
    void staleCachedValue_isFoundAtValidation_andTheRequestReplaysOnTheCommittedOne() {
        MemoryStore store = new MemoryStore();
        try (Engine a = engine(store);
                Engine b = engine(store)) {
            assertThat(call(a, "Counter", "add", "[\"k\", 1]")).isEqualTo("1");
            assertThat(call(b, "Counter", "add", "[\"k\", 1]")).isEqualTo("2");
            EngineStats before = a.stats();
            assertThat(call(a, "Counter", "add", "[\"k\", 1]"))
                    .as("a's cached 1 is stale")
                    .isEqualTo("3");
            EngineStats stale = a.stats().minus(before);
            assertThat(stale.stateCacheStale()).isEqualTo(1);
            assertThat(stale.replays()).isEqualTo(1);
            assertThat(stale.storeReads()).as("the replay read the store").isEqualTo(1);

            before = a.stats();
            assertThat(call(a, "Counter", "add", "[\"k\", 1]")).isEqualTo("4");
            EngineStats hit = a.stats().minus(before);
            assertThat(hit.stateCacheHits()).as("its own commit is cached").isEqualTo(1);
            assertThat(hit.storeReads()).isZero();
            assertThat(hit.replays()).isZero();
        }
    }

    @Test
    void staleCachedValueInATransaction_conflictsOnce_thenCommitsOnTheCommittedOne() {
        MemoryStore store = new MemoryStore();
        try (Engine a = engine(store);
                Engine b = engine(store)) {
            call(a, "Account", "open", "[\"x\", 100]");
            call(a, "Account", "open", "[\"y\", 0]");
            assertThat(call(a, "Bank", "transfer", "[\"x\", \"y\", 10]")).isEqualTo("true");
            assertThat(call(b, "Bank", "transfer", "[\"x\", \"y\", 80]")).isEqualTo("true");
            // a's cache says x holds 90; it holds 10
            assertThat(call(a, "Bank", "transfer", "[\"x\", \"y\", 50]"))
                    .as("x has 10 left")
                    .isEqualTo("false");
            assertThat(call(a, "Account", "balance", "[\"x\"]")).isEqualTo("10");
            assertThat(call(a, "Account", "balance", "[\"y\"]")).isEqualTo("90");
            assertThat(a.stats().stateCacheStale()).isPositive();
        }
    }

    /**
     * Two instances taking turns on the same keys find nearly every cached value stale; the
     * cache pauses instead of costing a replay per request, and the counts stay exact.
     */
    @Test
    void instancesTakingTurns_pauseTheirCaches_andEveryAddCounts() {
        MemoryStore store = new MemoryStore();
        int rounds = 1600;
        try (Engine a = engine(store);
                Engine b = engine(store)) {
            for (int i = 0; i < rounds; i++) {
                call(i % 2 == 0 ? a : b, "Counter", "add", "[\"k" + (i / 2) % 4 + "\", 1]");
            }
            for (int key = 0; key < 4; key++) {
                assertThat(call(a, "Counter", "get", "[\"k" + key + "\"]")).isEqualTo(String.valueOf(rounds / 4));
            }
            long stale = a.stats().stateCacheStale() + b.stats().stateCacheStale();
            assertThat(stale)
                    .as("stale cached values among %d requests", rounds)
                    .isLessThan(rounds / 8);
        }
    }

    @Test
    void cacheOff_everyReadGoesToTheStore() {
        MemoryStore store = new MemoryStore();
        try (Engine off = Engine.builder()
                .store(store)
                .codec(new JsonCodec())
                .service(new CounterDispatcher())
                .stateCacheEntries(0)
                .build()) {
            call(off, "Counter", "add", "[\"k\", 1]");
            call(off, "Counter", "add", "[\"k\", 1]");
            assertThat(off.stats().stateCacheHits()).isZero();
            assertThat(off.stats().storeReads()).isEqualTo(2);
        }
    }
}
