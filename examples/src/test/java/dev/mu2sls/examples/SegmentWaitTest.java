package dev.mu2sls.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mu2sls.core.CrashPoint;
import dev.mu2sls.core.Engine;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.Response;
import dev.mu2sls.examples.counter.CounterDispatcher;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.store.MemoryStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Outside transactions: two additions to one counter, the first held after it wrote the new count
 * and before it persisted it. The second, about to read the count, waits for the first's persist
 * and reads its value, so neither replays. Without the wait, the second reads the old count and
 * persists first, and the first's stale read replays it.
 */
@Timeout(60) // a hang guard: the waits below end when the test releases them
class SegmentWaitTest {
    private final CountDownLatch firstWrote = new CountDownLatch(1);
    private final CountDownLatch releaseFirst = new CountDownLatch(1);

    @Test
    void secondReaderOfAKeyWrittenButNotPersisted_waitsForThePersist_andNeitherReplays() throws Exception {
        try (Engine engine = engine(Duration.ofMinutes(10))) {
            CompletableFuture<Response> first = addAsync(engine, "first", 2);
            firstWrote.await();

            CompletableFuture<Response> second = addAsync(engine, "second", 3);
            await().until(() -> engine.stats().contentionWaits() == 1);
            assertThat(second).as("waiting for the first's persist").isNotDone();

            releaseFirst.countDown();
            assertThat(value(first.get())).isEqualTo("2");
            assertThat(value(second.get())).isEqualTo("5");
            assertThat(engine.stats().replays()).isZero();
        }
    }

    @Test
    void withoutTheWait_theSecondReadsTheOldValue_andTheFirstReplays() throws Exception {
        try (Engine engine = engine(Duration.ZERO)) {
            CompletableFuture<Response> first = addAsync(engine, "first", 2);
            firstWrote.await();

            assertThat(value(addAsync(engine, "second", 3).get())).isEqualTo("3");
            releaseFirst.countDown();
            assertThat(value(first.get())).isEqualTo("5");

            assertThat(engine.stats().contentionWaits()).isZero();
            assertThat(engine.stats().replays()).isEqualTo(1);
        }
    }

    /** The first addition stalls before its completion commit, its write buffered, until released. */
    private Engine engine(Duration contentionWait) {
        return Engine.builder()
                .store(new MemoryStore())
                .codec(new JsonCodec())
                .services(List.of(new CounterDispatcher()))
                .contentionWait(contentionWait)
                .faults((point, invocation, step) -> {
                    if (point == CrashPoint.BEFORE_COMPLETE
                            && invocation.requestId().equals("first")
                            && firstWrote.getCount() > 0) {
                        firstWrote.countDown();
                        try {
                            releaseFirst.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                })
                .build();
    }

    private static CompletableFuture<Response> addAsync(Engine engine, String id, int delta) {
        return CompletableFuture.supplyAsync(
                () -> engine.submit(
                        new Invocation(id, "Counter", "add", ("[\"k\", " + delta + "]").getBytes(UTF_8), 0)),
                Thread.ofVirtual()::start);
    }

    private static String value(Response response) {
        assertThat(response.ok()).as(response.toString()).isTrue();
        return new String(response.value(), UTF_8);
    }
}
