package dev.mu2sls.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.store.CommitHold;
import dev.mu2sls.store.ForwardingStore;
import dev.mu2sls.store.ForwardingStoreTransaction;
import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Store;
import dev.mu2sls.store.StoreConformanceTest;
import dev.mu2sls.store.StoreStats;
import dev.mu2sls.store.StoreTransaction;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The store contract on a real PostgreSQL, started by the test from Maven Central's binaries. */
@Tag("slow")
class PostgresStoreTest extends StoreConformanceTest {
    private static LocalPostgres server;
    private static int database;

    @BeforeAll
    static void startServer() {
        server = LocalPostgres.start(null);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void clock_isTheServersClock() {
        try (Store store = newStore()) {
            long local = System.currentTimeMillis();
            long database = store.clock().millis();
            // the same machine: the server's clock and ours agree to well under a second
            assertThat(database).isBetween(local - 1_000, local + 1_000);
            assertThat(store.clock().millis()).isGreaterThanOrEqualTo(database);
        }
    }

    @Test
    void pointReadsWaitingForAConnection_areMergedIntoOneStatement_eachGettingItsOwnKeys() throws Exception {
        try (PostgresStore store = (PostgresStore) newStore()) {
            store.run(st -> {
                for (int i = 0; i < 10; i += 2) {
                    st.put(key(i), key(i * 100));
                }
                return null;
            });
            long before = store.statements();
            List<Future<List<byte[]>>> results = new ArrayList<>();
            try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor();
                    BusyReadConnections busy = new BusyReadConnections(store)) {
                for (int i = 0; i < 10; i++) {
                    int k = i;
                    results.add(readers.submit(() -> store.getAll(List.of(key(k), key(1000 + k)))));
                }
                busy.freeOneOnceWaiting(10); // its taker reads for all ten
                for (int i = 0; i < 10; i++) {
                    List<byte[]> values = results.get(i).get();
                    assertThat(values.get(0)).isEqualTo(i % 2 == 0 ? key(i * 100) : null);
                    assertThat(values.get(1)).isNull();
                }
            }
            assertThat(store.statements() - before).isEqualTo(1);
            assertThat(store.get(key(4))).isEqualTo(key(400)); // a lone read runs at once
        }
    }

    @Test
    void rangeReadsWaitingForAConnection_areMergedIntoOneStatement_eachGettingItsOwnEntries() throws Exception {
        try (PostgresStore store = (PostgresStore) newStore()) {
            store.run(st -> {
                for (int i = 0; i < 10; i++) {
                    st.put(key(i), key(i * 100));
                }
                return null;
            });
            long before = store.statements();
            try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor();
                    BusyReadConnections busy = new BusyReadConnections(store)) {
                Future<List<KeyValue>> middle = readers.submit(() -> store.scan(key(2), key(5), Integer.MAX_VALUE));
                Future<List<KeyValue>> limited = readers.submit(() -> store.scan(key(0), key(9), 2));
                Future<List<KeyValue>> overlapping = readers.submit(() -> store.scan(key(4), key(6), 1));
                Future<List<KeyValue>> empty = readers.submit(() -> store.scan(bytes("x"), bytes("y"), 5));
                Future<List<KeyValue>> fromStart = readers.submit(() -> store.scan(null, key(1), 5));
                Future<List<KeyValue>> toEnd = readers.submit(() -> store.scan(key(8), null, 5));
                Future<byte[]> point = readers.submit(() -> store.get(key(3)));
                busy.freeOneOnceWaiting(7); // its taker reads for all seven
                assertThat(keys(middle.get())).containsExactly("k2", "k3", "k4");
                assertThat(middle.get().getFirst().value()).isEqualTo(key(200));
                assertThat(keys(limited.get())).containsExactly("k0", "k1");
                assertThat(keys(overlapping.get())).containsExactly("k4");
                assertThat(empty.get()).isEmpty();
                assertThat(keys(fromStart.get())).containsExactly("k0");
                assertThat(keys(toEnd.get())).containsExactly("k8", "k9");
                assertThat(point.get()).isEqualTo(key(300));
            }
            // the points, the five bounded ranges together, the range without an upper bound alone
            assertThat(store.statements() - before).isEqualTo(3);
        }
    }

    /**
     * A batch reads every range its transactions read in one statement, far enough past each
     * range's limit that the deletes accepted earlier in the batch cannot shorten it: a
     * transaction that read a range as the batch's earlier deletes leave it commits at once,
     * and one whose range changed is refused.
     */
    @Test
    void batchOfRangeReaders_checksEachRangeAgainstTheWritesAcceptedBeforeIt() throws Exception {
        try (PostgresStore store = (PostgresStore) newStore()) {
            store.run(st -> {
                for (int i = 2; i < 10; i++) {
                    st.put(key(i), key(i));
                }
                st.put(bytes("other"), bytes("before"));
                return null;
            });
            BatchCommitter committer = store.committer();
            CountDownLatch scanned = new CountDownLatch(2);
            CountDownLatch proceed = new CountDownLatch(1);
            int[] firstReaderAttempts = {0};
            int[] secondReaderAttempts = {0};
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                // reads k2, k3, k4 (limit 3) before k0 and k1 exist
                Future<?> afterDeletes = threads.submit(() -> store.run(st -> {
                    firstReaderAttempts[0]++;
                    List<KeyValue> seen = st.scan(key(0), key(9), 3);
                    st.put(bytes("seen"), key(seen.size()));
                    countDownAndWait(firstReaderAttempts[0], scanned, proceed);
                    return null;
                }));
                // reads "other" in a range a batch-mate changes
                Future<?> changed = threads.submit(() -> store.run(st -> {
                    secondReaderAttempts[0]++;
                    st.scan(bytes("other"), bytes("otherz"), 10);
                    st.put(bytes("seen2"), bytes("x"));
                    countDownAndWait(secondReaderAttempts[0], scanned, proceed);
                    return null;
                }));
                scanned.await();
                store.run(
                        st -> { // k0 and k1 appear, in an earlier batch
                            st.put(key(0), key(0));
                            st.put(key(1), key(1));
                            return null;
                        });
                CommitHold hold = committer.hold();
                try {
                    Future<?> deletes = threads.submit(() -> store.run(st -> {
                        st.delete(key(0));
                        st.delete(key(1));
                        st.put(bytes("other"), bytes("after"));
                        return null;
                    }));
                    Awaitility.await().until(() -> committer.committing() == 1);
                    proceed.countDown(); // both readers commit after the deletes, in the same batch
                    Awaitility.await().until(() -> committer.committing() == 3);
                    long batchesBefore = committer.batches();
                    hold.release();
                    deletes.get();
                    afterDeletes.get();
                    changed.get();
                    assertThat(committer.batches() - batchesBefore).isGreaterThanOrEqualTo(1);
                } finally {
                    hold.release();
                }
            }
            assertThat(firstReaderAttempts[0])
                    .as("attempts of the reader the deletes agree with")
                    .isEqualTo(1);
            assertThat(secondReaderAttempts[0])
                    .as("attempts of the reader whose range changed")
                    .isEqualTo(2);
            assertThat(store.get(bytes("seen"))).isEqualTo(key(3));
        }
    }

    /**
     * A range expectation is taken on trust on a first attempt, as {@code holds} is: no read before
     * the commit, whose batch reads the range with the others. A wrong one is refused there, and
     * the retry reads the range and answers false.
     */
    @Test
    void rangeHolds_isTakenOnTrustFirst_andAWrongExpectationIsRefusedThenReadForReal() {
        try (PostgresStore store = (PostgresStore) newStore()) {
            store.run(st -> {
                st.put(key(1), bytes("a"));
                st.put(key(2), bytes("b"));
                return null;
            });
            List<KeyValue> actual = List.of(new KeyValue(key(1), bytes("a")), new KeyValue(key(2), bytes("b")));
            int[] attempts = {0};
            long before = store.statements();
            boolean held = store.run(st -> {
                attempts[0]++;
                boolean holds = st.rangeHolds(key(0), key(9), actual);
                st.put(bytes("checked"), bytes("yes"));
                return holds;
            });
            assertThat(held).isTrue();
            assertThat(attempts[0]).isEqualTo(1);
            assertThat(store.statements() - before)
                    .as("the batch's range read and its write")
                    .isEqualTo(2);

            attempts[0] = 0;
            held = store.run(st -> {
                attempts[0]++;
                boolean holds = st.rangeHolds(key(0), key(9), actual.subList(0, 1));
                st.put(bytes("checked"), bytes(holds ? "yes" : "no"));
                return holds;
            });
            assertThat(held).isFalse();
            assertThat(attempts[0]).as("a refused first attempt, then a read").isEqualTo(2);
            assertThat(store.get(bytes("checked"))).isEqualTo(bytes("no"));
        }
    }

    @Test
    void aWrappedStore_keepsTheTrustedFirstAttempt_andDecoratesEveryAttempt() {
        try (PostgresStore store = (PostgresStore) newStore()) {
            store.run(st -> {
                st.put(key(1), bytes("a"));
                return null;
            });
            List<String> commits = new ArrayList<>();
            Store wrapped = new ForwardingStore(store) {
                @Override
                protected StoreTransaction decorate(StoreTransaction transaction) {
                    return new ForwardingStoreTransaction(transaction) {
                        @Override
                        public void commit() {
                            commits.add("commit");
                            super.commit();
                        }
                    };
                }
            };
            List<KeyValue> actual = List.of(new KeyValue(key(1), bytes("a")));
            long before = store.statements();
            wrapped.run(st -> {
                st.put(bytes("checked"), bytes(Boolean.toString(st.rangeHolds(key(0), key(9), actual))));
                return null;
            });
            assertThat(store.statements() - before)
                    .as("PostgreSQL's own loop: the expectation taken on trust, checked by the batch's range read")
                    .isEqualTo(2);

            int[] attempts = {0};
            wrapped.run(st -> {
                attempts[0]++;
                st.put(bytes("checked"), bytes(Boolean.toString(st.rangeHolds(key(0), key(9), List.of()))));
                return null;
            });
            assertThat(attempts[0]).as("a refused trusted attempt, then a read").isEqualTo(2);
            assertThat(commits)
                    .as("every attempt's transaction went through the wrapper")
                    .hasSize(3);
            assertThat(wrapped.get(bytes("checked"))).isEqualTo(bytes("false"));
        }
    }

    /** Every read connection of a store held by the test, so that reads wait; closing frees them. */
    private static final class BusyReadConnections implements AutoCloseable {
        private final ReadBatcher reads;
        private int held;

        BusyReadConnections(PostgresStore store) {
            reads = store.mergedReads;
            held = reads.connections.availablePermits();
            reads.connections.acquireUninterruptibly(held);
        }

        /** Once {@code waitingReads} reads wait, frees one connection: its taker runs them all. */
        void freeOneOnceWaiting(int waitingReads) {
            Awaitility.await().until(() -> reads.waiting() == waitingReads);
            reads.connections.release();
            held--;
        }

        @Override
        public void close() {
            reads.connections.release(held);
        }
    }

    /** A first attempt signals it read, then waits for the test; a retry runs straight through. */
    private static void countDownAndWait(int attempt, CountDownLatch scanned, CountDownLatch proceed) {
        if (attempt == 1) {
            scanned.countDown();
            try {
                proceed.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static List<String> keys(List<KeyValue> entries) {
        return entries.stream()
                .map(e -> new String(e.key(), StandardCharsets.UTF_8))
                .toList();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] key(int i) {
        return ("k" + i).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected Store newStore() {
        // A fresh database per test, so tests do not see each other's keys.
        String name = "conformance" + (++database);
        try (var connection = java.sql.DriverManager.getConnection(server.jdbcUrl(), "postgres", "postgres");
                var statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return PostgresStore.open(server.jdbcUrl().replace("/postgres?", "/" + name + "?"), "postgres", "postgres", 8);
    }

    @Override
    protected Store reopen(Store store) {
        store.close();
        return PostgresStore.open(lastUrl(), "postgres", "postgres", 8);
    }

    private static String lastUrl() {
        return server.jdbcUrl().replace("/postgres?", "/conformance" + database + "?");
    }

    /**
     * Two stores on one table stand for two processes of one application: each has its own batch
     * committer, so only the database's SERIALIZABLE isolation orders their batches. Every
     * increment of one hot key must survive, including those refused inside a batch because an
     * earlier transaction of the same batch wrote the key.
     */
    @Test
    void twoStoresOnOneTable_hotKeyIncrements_loseNothing() throws Exception {
        try (Store other = PostgresStore.open(lastUrl(), "postgres", "postgres", 8)) {
            int threadsPerStore = 8;
            int perThread = 100;
            byte[] key = "hot".getBytes(StandardCharsets.UTF_8);
            ExecutorService pool = Executors.newFixedThreadPool(2 * threadsPerStore);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (Store target : List.of(store, other)) {
                for (int t = 0; t < threadsPerStore; t++) {
                    futures.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            target.run(tx -> {
                                byte[] value = tx.get(key);
                                long count = value == null
                                        ? 0
                                        : ByteBuffer.wrap(value).getLong();
                                tx.put(
                                        key,
                                        ByteBuffer.allocate(8)
                                                .putLong(count + 1)
                                                .array());
                                return null;
                            });
                        }
                        return null;
                    }));
                }
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get();
            }
            pool.shutdown();
            assertThat(ByteBuffer.wrap(store.get(key)).getLong()).isEqualTo(2L * threadsPerStore * perThread);
            assertThat(store.stats().conflicts() + other.stats().conflicts())
                    .as("refused commits of a key 16 threads increment")
                    .isPositive();
        }
    }

    /**
     * Issue 19 item 3: a transaction whose key the index cannot take (9,000 random bytes) shares a
     * batch with eight others; only it fails, the others commit.
     */
    @Test
    void batchWithAKeyTooLargeForTheIndex_onlyThatTransactionFails() throws Exception {
        byte[] poison = new byte[9000];
        new SplittableRandom(19).nextBytes(poison); // random: PostgreSQL cannot compress it under the limit
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            keys.add(("ok" + i).getBytes(StandardCharsets.UTF_8));
        }
        keys.add(4, poison);
        List<Future<RuntimeException>> outcomes = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            CommitHold hold = store.holdCommits(); // the commits queue up and are decided as one batch on release
            try {
                for (byte[] key : keys) {
                    outcomes.add(pool.submit(() -> {
                        try {
                            store.run(tx -> {
                                tx.put(key, key);
                                return null;
                            });
                            return null;
                        } catch (RuntimeException e) {
                            return e;
                        }
                    }));
                }
                Thread.sleep(500); // let every commit reach the queue
            } finally {
                hold.release();
            }
            for (int i = 0; i < keys.size(); i++) {
                RuntimeException failure = outcomes.get(i).get();
                if (keys.get(i) == poison) {
                    assertThat(failure).as("the oversized key").isNotNull().hasMessageContaining("index row");
                } else {
                    assertThat(failure).as("transaction " + i).isNull();
                    assertThat(store.get(keys.get(i))).isEqualTo(keys.get(i));
                }
            }
        }
        assertThat(store.get(poison)).isNull();
    }

    /** Concurrent commits share database transactions: fewer database commits than transactions. */
    @Test
    void concurrentCommits_shareDatabaseCommits() throws Exception {
        int threads = 64;
        int perThread = 20;
        StoreStats before = store.stats();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        byte[] key = ("k" + thread + "/" + i).getBytes(StandardCharsets.UTF_8);
                        store.run(tx -> {
                            tx.put(key, key);
                            return null;
                        });
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get();
            }
        }
        StoreStats run = store.stats().minus(before);
        assertThat(run.commits()).isEqualTo((long) threads * perThread);
        assertThat(run.syncs())
                .as("database commits for %d transactions", run.commits())
                .isLessThan(run.commits());
        assertThat(store.scan(null, null, Integer.MAX_VALUE)).hasSize(threads * perThread);
    }

    /**
     * A transaction that reads a whole range while 16 threads keep moving amounts inside it: it
     * is escalated to an exclusive attempt after 8 conflicts, so (this store being the table's
     * only user) every run commits within 9 attempts, and every total it reads is the conserved one.
     */
    @Test
    void longRangeRead_underConstantWriters_commitsWithinNineAttempts_andSeesConservedTotal() throws Exception {
        int keys = 200;
        store.run(tx -> {
            for (int k = 0; k < keys; k++) {
                tx.put(account(k), ByteBuffer.allocate(8).putLong(100).array());
            }
            return null;
        });
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < 16; w++) {
                int seed = w;
                writers.submit(() -> {
                    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
                    while (!done.get()) {
                        byte[] from = account(random.nextInt(keys));
                        byte[] to = account(random.nextInt(keys));
                        store.run(tx -> {
                            long a = ByteBuffer.wrap(tx.get(from)).getLong();
                            tx.put(from, ByteBuffer.allocate(8).putLong(a - 1).array());
                            long b = ByteBuffer.wrap(tx.get(to)).getLong();
                            tx.put(to, ByteBuffer.allocate(8).putLong(b + 1).array());
                            return null;
                        });
                    }
                    return null;
                });
            }
            try {
                for (int run = 0; run < 20; run++) {
                    int[] attempts = {0};
                    long total = store.run(tx -> {
                        attempts[0]++;
                        long sum = 0;
                        for (var entry : tx.scan(account(0), account(keys), Integer.MAX_VALUE)) {
                            sum += ByteBuffer.wrap(entry.value()).getLong();
                        }
                        tx.put(
                                "audit".getBytes(StandardCharsets.UTF_8),
                                ByteBuffer.allocate(8).putLong(sum).array());
                        return sum;
                    });
                    assertThat(total).as("total read by audit %d", run).isEqualTo(100L * keys);
                    assertThat(attempts[0]).as("attempts of audit %d", run).isLessThanOrEqualTo(9);
                }
            } finally {
                done.set(true);
            }
        }
    }

    private static byte[] account(int k) {
        return String.format("acct%04d", k).getBytes(StandardCharsets.UTF_8);
    }
}
