package dev.mu2sls.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mu2sls.core.Engine;
import dev.mu2sls.core.ExecutionExpiredException;
import dev.mu2sls.core.Inspector;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.store.ForwardingStore;
import dev.mu2sls.store.ForwardingStoreTransaction;
import dev.mu2sls.store.MemoryStore;
import dev.mu2sls.store.Store;
import dev.mu2sls.store.StoreTransaction;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * An execution checks its deadline in its commit's body, then pauses
 * (a stalled process, a long GC) until its request's records have expired, then commits. The
 * store decides the deadline again at its commit point, so the late commit is refused instead of
 * applying the request a second time.
 */
class PausedCommitTest {
    private static final Duration RETENTION = Duration.ofMinutes(10);
    private static final Duration MAX_AGE = Duration.ofMinutes(1);

    @Test
    void commitPausedPastTheRetention_afterItsDeadlineCheck_isRefused() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
        PausingStore store = new PausingStore(new MemoryStore());
        try (Engine engine = engine(store, now)) {
            Invocation add = new Invocation("r-1", "Counter", "add", "[\"k\", 2]".getBytes(UTF_8), 0);
            engine.invoke(add);

            // a duplicate delivery, as fresh as the first: its commit's body pauses after the deadline
            // check, before it writes the request's record, while time passes the retention and the
            // sweep drops the request's records
            store.pauseAt(Pause.INSERT, () -> {
                now.set(now.get().plus(RETENTION.plus(MAX_AGE.multipliedBy(3))));
                assertThat(engine.expireResponses()).isEqualTo(1);
            });
            assertThatThrownBy(() -> engine.invoke(add)).isInstanceOf(ExecutionExpiredException.class);

            assertThat(new Inspector(store, new JsonCodec()).dumpState())
                    .as("the request applied once")
                    .containsEntry("Counter.counts[\"k\"]", "2");
        }
    }

    @Test
    void redeliveryWhoseAcceptancePausedPastTheRetention_isRefused_andLeavesNothingToRecover() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
        PausingStore store = new PausingStore(new MemoryStore());
        try (Engine engine = engine(store, now)) {
            Invocation add = new Invocation("r-2", "Counter", "add", "[\"k\", 2]".getBytes(UTF_8), 0);
            engine.submit(add);

            // the platform delivers it again while its response is retained; the delivery's
            // acceptance transaction stalls before its commit while the sweep drops the records
            store.pauseAt(Pause.COMMIT, () -> {
                now.set(now.get().plus(RETENTION.plus(MAX_AGE.multipliedBy(3))));
                assertThat(engine.expireResponses()).isEqualTo(1);
            });
            assertThatThrownBy(() -> engine.submit(add.withAttempt(1))).isInstanceOf(ExecutionExpiredException.class);

            Inspector inspector = new Inspector(store, new JsonCodec());
            assertThat(inspector.dumpState())
                    .as("the request applied once")
                    .containsEntry("Counter.counts[\"k\"]", "2");
            assertThat(inspector.requestCounts().accepted())
                    .as("accepted requests left for recovery to run again")
                    .isZero();
        }
    }

    private static Engine engine(Store store, AtomicReference<Instant> now) {
        return Engine.builder()
                .store(store)
                .codec(new JsonCodec())
                .services(Workloads.W1)
                .clock(now::get)
                .responseRetention(RETENTION)
                .maxExecutionAge(MAX_AGE)
                .build();
    }

    /** Where a transaction stalls: inside its body (at its next insert), or between its body and its commit. */
    private enum Pause {
        INSERT,
        COMMIT
    }

    /** A store whose next insert or commit first runs a pause: what happens in the world while it stalls. */
    private static final class PausingStore extends ForwardingStore {
        private Pause where;
        private Runnable pause;

        PausingStore(Store delegate) {
            super(delegate);
        }

        void pauseAt(Pause where, Runnable pause) {
            this.where = where;
            this.pause = pause;
        }

        private void pauseIfAt(Pause point) {
            if (where == point) {
                Runnable now = pause;
                where = null;
                pause = null;
                now.run();
            }
        }

        @Override
        protected StoreTransaction decorate(StoreTransaction transaction) {
            return new ForwardingStoreTransaction(transaction) {
                @Override
                public void insert(byte[] key, byte[] value) {
                    pauseIfAt(Pause.INSERT);
                    super.insert(key, value);
                }

                @Override
                public void commit() {
                    pauseIfAt(Pause.COMMIT);
                    super.commit();
                }
            };
        }
    }
}
