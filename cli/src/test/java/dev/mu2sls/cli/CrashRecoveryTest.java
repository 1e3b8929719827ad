package dev.mu2sls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * G4 and G5 with real processes: a child JVM serves W1 or W6 on RocksDB or PostgreSQL under load
 * and is killed with {@code kill -9} (destroyForcibly) at random moments, at least five times,
 * and restarted; clients retry with the same request ids. Afterwards every acknowledged
 * request's effect is present exactly once, the bank total is conserved, and every request that
 * clients kept retrying completed.
 */
@Tag("slow")
class CrashRecoveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CLIENTS = 8;
    private static final int REQUESTS_PER_CLIENT = 40;
    private static final int KILLS = 5;
    private static final int ACCOUNTS = 50;
    private static final long INITIAL = 1000;

    @RegisterExtension
    static final PostgresPerClass postgres = new PostgresPerClass();

    @TempDir
    Path directory;

    @Test
    void rocksdb_counter_killedRepeatedly_everyAcknowledgedAddAppliedOnce() throws Exception {
        counterScenario(List.of("--store", "rocksdb", "--store-dir", directory.toString()));
    }

    @Test
    void rocksdb_bank_killedRepeatedly_totalConserved() throws Exception {
        bankScenario(List.of("--store", "rocksdb", "--store-dir", directory.toString()));
    }

    @Test
    void postgres_counter_killedRepeatedly_everyAcknowledgedAddAppliedOnce() throws Exception {
        counterScenario(List.of("--store", "postgres", "--store-url", postgres.jdbcUrl()));
    }

    @Test
    void postgres_bank_killedRepeatedly_totalConserved() throws Exception {
        bankScenario(List.of("--store", "postgres", "--store-url", postgres.jdbcUrl()));
    }

    private void counterScenario(List<String> store) throws Exception {
        ChildServer server = new ChildServer("W1", store);
        try {
            Map<String, List<Long>> answersByKey = new HashMap<>();
            Run run = runUnderKills(server, (client, i, random) -> {
                String key = "k" + random.nextInt(5);
                long value = server.call("c" + client + "-" + i, "Counter", "add", "[\"" + key + "\", 1]")
                        .get("value")
                        .asLong();
                synchronized (answersByKey) {
                    answersByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
                }
            });
            assertThat(run.kills()).isGreaterThanOrEqualTo(KILLS);
            long total = 0;
            for (Map.Entry<String, List<Long>> entry : answersByKey.entrySet()) {
                long stored = server.call("final-" + entry.getKey(), "Counter", "get", "[\"" + entry.getKey() + "\"]")
                        .get("value")
                        .asLong();
                List<Long> sorted = entry.getValue().stream().sorted().toList();
                List<Long> expected = new ArrayList<>();
                for (long v = 1; v <= sorted.size(); v++) {
                    expected.add(v);
                }
                assertThat(sorted)
                        .as("answers of the adds to %s (each applied once, in some order)", entry.getKey())
                        .isEqualTo(expected);
                assertThat(stored).as("final value of %s", entry.getKey()).isEqualTo(sorted.size());
                total += stored;
            }
            assertThat(total).isEqualTo(run.requests());
        } finally {
            server.stop();
        }
    }

    private void bankScenario(List<String> store) throws Exception {
        ChildServer server = new ChildServer("W6", store);
        try {
            for (int a = 0; a < ACCOUNTS; a++) {
                server.call("open-" + a, "Account", "open", "[\"a" + a + "\", " + INITIAL + "]");
            }
            AtomicInteger transfersDone = new AtomicInteger();
            Run run = runUnderKills(server, (client, i, random) -> {
                JsonNode answer = server.call(
                        "t" + client + "-" + i,
                        "Bank",
                        "transfer",
                        "[\"a" + random.nextInt(ACCOUNTS) + "\", \"a" + random.nextInt(ACCOUNTS) + "\", "
                                + random.nextInt(1, 300) + "]");
                assertThat(answer.get("ok").asBoolean()).as(answer.toString()).isTrue();
                transfersDone.incrementAndGet();
            });
            assertThat(run.kills()).isGreaterThanOrEqualTo(KILLS);
            assertThat(transfersDone.get()).isEqualTo(run.requests());
            long audit = server.call("audit-final", "Bank", "audit", "[]")
                    .get("value")
                    .asLong();
            assertThat(audit)
                    .as("total of all balances after %d kills", run.kills())
                    .isEqualTo(ACCOUNTS * INITIAL);
        } finally {
            server.stop();
        }
    }

    private interface ClientStep {
        void run(int client, int request, SplittableRandom random) throws Exception;
    }

    /** How many times the server was killed, and how many requests the clients completed meanwhile. */
    private record Run(int kills, long requests) {}

    /**
     * Runs the clients while killing and restarting the server: each client makes at least
     * {@link #REQUESTS_PER_CLIENT} requests, and goes on until the server was killed
     * {@link #KILLS} times, however fast the store is.
     */
    private static Run runUnderKills(ChildServer server, ClientStep step) throws Exception {
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger killsSoFar = new AtomicInteger();
        AtomicInteger requests = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            clients.add(Thread.ofVirtual().start(() -> {
                SplittableRandom random = new SplittableRandom(client);
                try {
                    for (int i = 0; i < REQUESTS_PER_CLIENT || killsSoFar.get() < KILLS; i++) {
                        step.run(client, i, random);
                        requests.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        SplittableRandom random = new SplittableRandom(42);
        int kills = 0;
        while (kills < KILLS || clients.stream().anyMatch(Thread::isAlive)) {
            Thread.sleep(random.nextInt(150, 500));
            if (kills >= KILLS + 3 || clients.stream().noneMatch(Thread::isAlive)) {
                break;
            }
            server.killAndRestart();
            kills = killsSoFar.incrementAndGet();
        }
        for (Thread client : clients) {
            client.join(Duration.ofSeconds(120));
            assertThat(client.isAlive())
                    .as("a client still retrying after two minutes")
                    .isFalse();
        }
        assertThat(failures).isEmpty();
        return new Run(kills, requests.get());
    }

    /** The served process: started, killed with SIGKILL, restarted on the same port and data. */
    private static final class ChildServer {
        private final List<String> command = new ArrayList<>();
        private final int port;
        private final HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private volatile Process process;

        ChildServer(String workload, List<String> store) throws Exception {
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(Main.class.getName());
            command.addAll(List.of("serve", "--workload", workload, "--port", String.valueOf(port)));
            command.addAll(store);
            start();
        }

        private void start() throws IOException {
            process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("listening on")) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    break;
                }
            }
            throw new IllegalStateException("the served process did not start: " + command);
        }

        void killAndRestart() throws Exception {
            process.destroyForcibly().waitFor(); // SIGKILL: no shutdown hooks, no flushes
            start();
        }

        void stop() throws InterruptedException {
            http.close();
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        /** Sends until the server answers, retrying with the same id across kills. */
        JsonNode call(String id, String service, String method, String json) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (true) {
                try {
                    HttpResponse<String> response = http.send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + port + "/call/" + service + "/" + method))
                                    .header("Idempotency-Key", id)
                                    .timeout(Duration.ofSeconds(10))
                                    .POST(HttpRequest.BodyPublishers.ofString(json))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        return JSON.readTree(response.body());
                    }
                    if (response.statusCode() == 400) {
                        throw new IllegalStateException(id + " rejected: " + response.body());
                    }
                } catch (IOException retry) {
                    // the server was killed: retry with the same id once it is back
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(id + " never completed");
                }
                Thread.sleep(50);
            }
        }
    }
}
