package dev.mu2sls.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mu2sls.core.CrashPoint;
import dev.mu2sls.core.Engine;
import dev.mu2sls.core.InjectedCrash;
import dev.mu2sls.core.Inspector;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.Response;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.store.MemoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** G4: a coordinator that crashes mid-transaction and is never re-executed blocks no one. */
class AbandonedTransactionTest {
    private static final Duration LEASE = Duration.ofSeconds(5);

    @Test
    void coordinatorCrashedBeforeCommitAndNeverRetried_laterTransactionOnSameKeysCommitsAtOnce() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
        Engine[] engine = new Engine[1];
        MemoryStore store = new MemoryStore();
        Inspector inspector = new Inspector(store, new JsonCodec());
        engine[0] = Engine.builder()
                .store(store)
                .codec(new JsonCodec())
                .services(Workloads.W5)
                .clock(now::get)
                .transactionLease(LEASE)
                .transport(invocation -> engine[0].invoke(invocation))
                .faults((point, invocation, step) -> {
                    // Frontend.book: 0 begin, 1-2 async reserves, 3-4 awaits, 5 commit
                    if (invocation.requestId().equals("abandoned")
                            && point == CrashPoint.BEFORE_STORE_COMMIT
                            && step == 5) {
                        throw new InjectedCrash(point, "the test's abandoned coordinator");
                    }
                })
                .build();
        try (Engine e = engine[0]) {
            call(e, "open-h", "Hotel", "open", "[\"h\", 1]");
            call(e, "open-f", "Flight", "open", "[\"f\", 1]");

            assertThatThrownBy(() -> call(e, "abandoned", "Frontend", "book", "[\"ann\", \"f\", \"h\"]"))
                    .isInstanceOf(InjectedCrash.class);
            assertThat(inspector.transactionCounts().pending())
                    .as("the abandoned transaction is pending")
                    .isEqualTo(1);
            assertThat(inspector.transactionCounts().provisionalRecords()).isPositive();

            long start = System.nanoTime();
            Response later = call(e, "later", "Frontend", "book", "[\"bob\", \"f\", \"h\"]");
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertThat(new String(later.value(), UTF_8))
                    .as("bob gets the only room and seat")
                    .isNotEqualTo("\"sold out\"");
            assertThat(waited).isLessThan(LEASE.plusSeconds(1));
            assertThat(inspector.dumpState()).containsEntry("Hotel.guests[\"h#1\"]", "\"bob\"");

            now.set(now.get().plus(LEASE).plusSeconds(1));
            assertThat(e.expireTransactions()).isEqualTo(1);
            assertThat(inspector.transactionCounts().provisionalRecords())
                    .as("orphan records after the lease")
                    .isZero();
            assertThat(inspector.transactionCounts().pending()).isZero();
        }
    }

    private static Response call(Engine engine, String id, String service, String method, String json) {
        return engine.invoke(new Invocation(id, service, method, json.getBytes(UTF_8), 0));
    }
}
