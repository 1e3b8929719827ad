package dev.mu2sls.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.store.CommitHold;
import dev.mu2sls.store.Store;
import dev.mu2sls.store.StoreConformanceTest;
import dev.mu2sls.store.StoreStats;
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
            ReadBatcher reads = store.pointReads;
            int connections = reads.connections.availablePermits();
            reads.connections.acquireUninterruptibly(connections); // every connection busy
            long before = reads.statements();
            List<Future<List<byte[]>>> results = new ArrayList<>();
            try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 10; i++) {
                    int k = i;
                    results.add(readers.submit(() -> store.getAll(List.of(key(k), key(1000 + k)))));
                }
                Awaitility.await().until(() -> reads.waiting() == 10);
                reads.connections.release(); // one frees: its taker reads for all ten
                for (int i = 0; i < 10; i++) {
                    List<byte[]> values = results.get(i).get();
                    assertThat(values.get(0)).isEqualTo(i % 2 == 0 ? key(i * 100) : null);
                    assertThat(values.get(1)).isNull();
                }
            } finally {
                reads.connections.release(connections - 1);
            }
            assertThat(reads.statements() - before).isEqualTo(1);
            assertThat(store.get(key(4))).isEqualTo(key(400)); // a lone read runs at once
        }
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
