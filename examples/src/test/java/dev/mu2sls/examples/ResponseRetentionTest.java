package dev.mu2sls.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.core.Engine;
import dev.mu2sls.core.Inspector;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.store.MemoryStore;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Completed requests keep their response for the configured retention plus twice the maximum
 * execution age (A5, A6: every execution that could still consult it has passed its deadline),
 * then are dropped.
 */
class ResponseRetentionTest {

    @Test
    void completedRequest_dedupedWithinRetention_droppedAfter() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
        InstantSource clock = now::get;
        MemoryStore store = new MemoryStore();
        Inspector inspector = new Inspector(store, new JsonCodec());
        try (Engine engine = Engine.builder()
                .store(store)
                .codec(new JsonCodec())
                .services(Workloads.W1)
                .clock(clock)
                .responseRetention(Duration.ofMinutes(10))
                .maxExecutionAge(Duration.ofMinutes(1))
                .build()) {
            Invocation add = new Invocation("r-1", "Counter", "add", "[\"k\", 2]".getBytes(UTF_8), 0);
            engine.invoke(add);
            assertThat(inspector.requestCounts()).isEqualTo(new Inspector.RequestCounts(0, 0, 1, 0, 0));

            now.set(now.get().plus(Duration.ofMinutes(9)));
            assertThat(engine.expireResponses()).isZero();
            engine.invoke(add.withAttempt(1));
            assertThat(inspector.dumpState()).containsEntry("Counter.counts[\"k\"]", "2");
            assertThat(engine.stats().deduplicated()).isEqualTo(1);

            now.set(now.get().plus(Duration.ofMinutes(2))); // past the retention, not past retention + 2 ages
            assertThat(engine.expireResponses()).isZero();

            now.set(now.get().plus(Duration.ofMinutes(2)));
            assertThat(engine.expireResponses()).isEqualTo(1);
            assertThat(inspector.requestCounts()).isEqualTo(new Inspector.RequestCounts(0, 0, 0, 0, 0));
            assertThat(engine.stats().responsesExpired()).isEqualTo(1);
        }
    }
}
