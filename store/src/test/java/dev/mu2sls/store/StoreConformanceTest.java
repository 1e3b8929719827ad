package dev.mu2sls.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract of {@link Store}; every backend runs it by extending this class. */
public abstract class StoreConformanceTest {
    protected Store store;

    protected abstract Store newStore();

    /** Closes {@code store} and opens the same data again; in-memory stores cannot, and skip. */
    protected Store reopen(Store store) {
        return null;
    }

    @Test
    void closeAndReopen_keepsCommittedData() {
        commit("kept", "yes");
        Store reopened = reopen(store);
        org.junit.jupiter.api.Assumptions.assumeTrue(reopened != null, "this store does not outlive close");
        store = reopened;
        assertThat(s(store.get(b("kept")))).isEqualTo("yes");
    }

    @BeforeEach
    void open() {
        store = newStore();
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** Commits one put in a transaction of its own. */
    private void commit(String key, String value) {
        store.run(tx -> {
            tx.put(b(key), b(value));
            return null;
        });
    }

    static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    static String s(byte[] b) {
        return b == null ? null : new String(b, UTF_8);
    }

    static long asLong(byte[] b) {
        return b == null ? 0 : ByteBuffer.wrap(b).getLong();
    }

    static byte[] ofLong(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    /**
     * While one thread holds commits, another thread's commit waits (it is parked, or its write is
     * not visible), the holder's own transactions commit at once, and the other commit goes
     * through when the hold is released.
     */
    @Test
    void holdCommits_holdsOtherThreadsCommits_notTheHolders() throws Exception {
        CommitHold hold = store.holdCommits();
        org.junit.jupiter.api.Assumptions.assumeTrue(hold != CommitHold.NONE, "this store cannot hold commits");
        Thread other;
        try {
            other = Thread.ofVirtual()
                    .start(() -> store.run(tx -> {
                        tx.put(b("held"), b("other"));
                        return null;
                    }));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (other.isAlive() && other.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            commit("mine", "holder");
            assertThat(s(store.get(b("mine")))).isEqualTo("holder");
            assertThat(store.get(b("held")))
                    .as("another thread's commit while held")
                    .isNull();
        } finally {
            hold.release();
        }
        other.join();
        assertThat(s(store.get(b("held")))).isEqualTo("other");
    }

    /**
     * An expectation that no longer holds never lets a transaction commit on it: it is false at
     * once, or the commit is refused and the retry sees it false. One that holds commits.
     */
    @Test
    void holds_staleExpectation_neverCommitsOnIt_currentOneDoes() {
        commit("seen", "new");
        boolean[] sawStale = {false};
        store.run(tx -> {
            if (!tx.holds(b("seen"), b("old"))) {
                sawStale[0] = true;
                return null;
            }
            tx.put(b("decided"), b("on a stale value"));
            return null;
        });
        assertThat(store.get(b("decided")))
                .as("a write decided on a stale expectation")
                .isNull();
        assertThat(sawStale[0]).isTrue();
        store.run(tx -> {
            assertThat(tx.holds(b("seen"), b("new"))).isTrue();
            assertThat(tx.holds(b("absent"), null)).isTrue();
            tx.put(b("decided"), b("on the current value"));
            return null;
        });
        assertThat(s(store.get(b("decided")))).isEqualTo("on the current value");
    }

    /**
     * A commit condition is decided at the commit point, not where the body set it: a deadline
     * that passes between the body and the commit refuses the commit, and the retry sees it passed.
     */
    @Test
    void commitOnlyIf_falseByTheCommitPoint_appliesNothing_andTheRetrySeesIt() {
        AtomicBoolean beforeDeadline = new AtomicBoolean(true);
        StoreTransaction late = store.begin();
        late.put(b("late"), b("v"));
        late.commitOnlyIf(beforeDeadline::get);
        beforeDeadline.set(false);
        assertThatThrownBy(late::commit).isInstanceOf(StoreConflictException.class);
        assertThat(store.get(b("late"))).isNull();

        AtomicBoolean open = new AtomicBoolean(true);
        String outcome = store.run(tx -> {
            if (!open.get()) {
                return "stopped";
            }
            tx.put(b("retried"), b("v"));
            tx.commitOnlyIf(() -> true);
            tx.commitOnlyIf(open::get); // every condition must hold
            open.set(false); // passes before the commit
            return "committed";
        });
        assertThat(outcome).isEqualTo("stopped");
        assertThat(store.get(b("retried"))).isNull();

        String kept = store.run(tx -> {
            tx.put(b("kept"), b("v"));
            tx.commitOnlyIf(() -> true);
            return "committed";
        });
        assertThat(kept).isEqualTo("committed");
        assertThat(s(store.get(b("kept")))).isEqualTo("v");
    }

    /**
     * A condition that no longer holds at the commit point never lets a transaction commit on it:
     * a value changed after the check refuses the commit, and the retry sees the condition false.
     * One that still holds commits, and a condition that throws fails in the body, not the commit.
     */
    @Test
    void satisfies_falseByTheCommitPoint_neverCommitsOnIt_trueOneDoes() {
        commit("status", "open");
        Predicate<byte[]> open = value -> value != null && s(value).equals("open");
        List<Boolean> answers = new ArrayList<>();
        store.run(tx -> {
            boolean answer = tx.satisfies(b("status"), open);
            answers.add(answer);
            if (answers.size() == 1) {
                commit("status", "ended"); // after the check, before the commit
            }
            if (answer) {
                tx.put(b("decided"), b("on a stale condition"));
            }
            return null;
        });
        assertThat(store.get(b("decided")))
                .as("a write decided on a condition false at the commit point, answers %s", answers)
                .isNull();
        assertThat(answers.getLast()).isFalse();

        store.run(tx -> {
            assertThat(tx.satisfies(b("status"), value -> value != null)).isTrue();
            assertThat(tx.satisfies(b("absent"), Objects::isNull)).isTrue();
            tx.put(b("decided"), b("on a true condition"));
            return null;
        });
        assertThat(s(store.get(b("decided")))).isEqualTo("on a true condition");

        assertThatThrownBy(() -> store.run(tx -> {
                    tx.satisfies(b("status"), value -> {
                        throw new IllegalStateException("cannot decode " + s(value));
                    });
                    tx.put(b("after"), b("v"));
                    return null;
                }))
                .hasMessageContaining("cannot decode ended");
        assertThat(store.get(b("after"))).isNull();
        commit("still", "committing"); // the store's commits go on
        assertThat(s(store.get(b("still")))).isEqualTo("committing");
    }

    /** A transaction that only checks one expectation is not committed on it either when it is stale. */
    @Test
    void holds_staleExpectationAlone_isNotCommittedOn() {
        commit("seen", "new");
        List<Boolean> answers = new ArrayList<>();
        store.run(tx -> {
            answers.add(tx.holds(b("seen"), b("old")));
            return null;
        });
        assertThat(answers.getLast())
                .as("the committed attempt's answer, of %s", answers)
                .isFalse();
    }

    /** Several keys read at once come back in the order asked, absent ones as null, repeats too. */
    @Test
    void getAll_returnsCommittedValuesInTheOrderAsked() {
        commit("first", "1");
        commit("second", "2");
        List<byte[]> values = store.getAll(List.of(b("second"), b("missing"), b("first"), b("second")));
        assertThat(values).hasSize(4);
        assertThat(s(values.get(0))).isEqualTo("2");
        assertThat(values.get(1)).isNull();
        assertThat(s(values.get(2))).isEqualTo("1");
        assertThat(s(values.get(3))).isEqualTo("2");
        assertThat(store.getAll(List.of())).isEmpty();
    }

    @Test
    void put_thenGet_returnsCommittedValue() {
        commit("a", "1");
        assertThat(s(store.get(b("a")))).isEqualTo("1");
        assertThat(store.get(b("missing"))).isNull();
    }

    @Test
    void rollback_appliesNothing() {
        try (StoreTransaction tx = store.begin()) {
            tx.put(b("a"), b("1"));
            tx.rollback();
        }
        assertThat(store.get(b("a"))).isNull();
    }

    @Test
    void transaction_readsItsOwnWritesAndDeletes() {
        commit("a", "1");
        store.run(tx -> {
            tx.put(b("b"), b("2"));
            tx.delete(b("a"));
            assertThat(tx.get(b("a"))).isNull();
            assertThat(s(tx.get(b("b")))).isEqualTo("2");
            assertThat(tx.scan(null, null, 10)).extracting(kv -> s(kv.key())).containsExactly("b");
            return null;
        });
        assertThat(store.get(b("a"))).isNull();
    }

    @Test
    void scan_returnsKeysInUnsignedOrderWithinBoundsAndLimit() {
        store.run(tx -> {
            for (String k : List.of("b", "a", "c", "d", "\u00ff")) {
                tx.put(b(k), b(k));
            }
            return null;
        });
        assertThat(store.scan(b("b"), b("d"), 10)).extracting(kv -> s(kv.key())).containsExactly("b", "c");
        assertThat(store.scan(null, null, 3)).extracting(kv -> s(kv.key())).containsExactly("a", "b", "c");
        assertThat(store.scan(b("c"), null, 10)).extracting(kv -> s(kv.key())).containsExactly("c", "d", "\u00ff");
    }

    @Test
    void emptyAndLargeValues_roundTrip() {
        byte[] large = new byte[1 << 20];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) i;
        }
        store.run(tx -> {
            tx.put(b("empty"), new byte[0]);
            tx.put(b("large"), large);
            return null;
        });
        assertThat(store.get(b("empty"))).isEmpty();
        assertThat(store.get(b("large"))).isEqualTo(large);
    }

    @Test
    void concurrentIncrements_loseNothing() throws Exception {
        int threads = 8;
        int perThread = 300;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    byte[] key = b("counter" + (i % 3));
                    store.run(tx -> {
                        tx.put(key, ofLong(asLong(tx.get(key)) + 1));
                        return null;
                    });
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        long total = 0;
        for (int i = 0; i < 3; i++) {
            total += asLong(store.get(b("counter" + i)));
        }
        assertThat(total).isEqualTo((long) threads * perThread);
    }

    @Test
    void writeSkew_isPrevented() {
        // Invariant: x + y >= 1. Each transaction checks the invariant and then zeroes one key.
        store.run(tx -> {
            tx.put(b("x"), ofLong(1));
            tx.put(b("y"), ofLong(1));
            return null;
        });
        StoreTransaction t1 = store.begin();
        StoreTransaction t2 = store.begin();
        assertThat(asLong(t1.get(b("x"))) + asLong(t1.get(b("y")))).isEqualTo(2);
        assertThat(asLong(t2.get(b("x"))) + asLong(t2.get(b("y")))).isEqualTo(2);
        t1.put(b("x"), ofLong(0));
        t2.put(b("y"), ofLong(0));
        t1.commit();
        assertThatThrownBy(t2::commit).isInstanceOf(StoreConflictException.class);
        assertThat(asLong(store.get(b("x"))) + asLong(store.get(b("y")))).isEqualTo(1);
    }

    @Test
    void phantomWriteSkew_overScannedRange_isPrevented() {
        // Each transaction sees the range empty and inserts into it: no serial order explains both.
        StoreTransaction t1 = store.begin();
        StoreTransaction t2 = store.begin();
        assertThat(t1.scan(b("k"), b("l"), 100)).isEmpty();
        assertThat(t2.scan(b("k"), b("l"), 100)).isEmpty();
        t1.put(b("k1"), b("v"));
        t2.put(b("k2"), b("v"));
        t1.commit();
        assertThatThrownBy(t2::commit).isInstanceOf(StoreConflictException.class);
        assertThat(store.scan(b("k"), b("l"), 100))
                .extracting(kv -> s(kv.key()))
                .containsExactly("k1");
    }

    @Test
    void hundredThousandKeys_scanInOrder() {
        int n = 100_000;
        for (int batch = 0; batch < n; batch += 10_000) {
            int first = batch;
            store.run(tx -> {
                for (int i = first; i < first + 10_000; i++) {
                    tx.put(b(String.format("key%06d", i)), ofLong(i));
                }
                return null;
            });
        }
        List<KeyValue> all = store.scan(null, null, n + 1);
        assertThat(all).hasSize(n);
        for (int i = 0; i < n; i += 9_999) {
            assertThat(asLong(all.get(i).value())).isEqualTo(i);
        }
    }

    @Test
    void finishedTransaction_rejectsUse() {
        StoreTransaction tx = store.begin();
        tx.commit();
        assertThatThrownBy(() -> tx.put(b("a"), b("1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already committed");
    }
}
