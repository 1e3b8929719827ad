package dev.mu2sls.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mu2sls.core.Inspector;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.platform.local.Apps;
import dev.mu2sls.platform.local.LocalPlatform;
import dev.mu2sls.platform.local.PlatformStore;
import dev.mu2sls.simulator.AfterRunCheck;
import dev.mu2sls.store.postgres.PostgresStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 1 on real processes: {@code ./mu2sls up shop} on PostgreSQL, where
 * {@code Shop.place} mails through a call it never awaits. With the Mailer's process stopped
 * (SIGSTOP), orders placed through the gateway are recorded but get no answer; then every process
 * of the platform, {@code up} included, is killed with {@code kill -9} and the platform started
 * again on the same state directory and store. Clients retrying with the same Idempotency-Key get
 * their answer, and every order's mail was sent exactly once. (Before the fix the answer came at
 * once, and the mail was lost with the killed processes.)
 *
 * <p>{@code up} runs as a child JVM, as a user starts it, so that it dies with its platform like on
 * a machine that loses power, and the restart finds the state directory that crash left behind.
 */
@Tag("slow")
class UnawaitedCallKillTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ORDERS = 5;
    private static final Duration NO_ANSWER_WAIT = Duration.ofSeconds(2);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xmx128m", "-XX:TieredStopAtLevel=1");

    @RegisterExtension
    static final PostgresPerClass postgres = new PostgresPerClass();

    @TempDir
    Path state;

    @Test
    void placeWhileMailerStopped_noAnswerUntilTheMailIsSent_andAfterKill9AndRetry_eachMailSentOnce() throws Exception {
        Apps.App shop = Apps.resolve("shop");
        try (HttpClient http = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(2))
                        .build();
                PostgresStore store = PostgresStore.open(
                        postgres.jdbcUrl(), "postgres", "postgres", 1, PlatformStore.table(shop.name()))) {
            Inspector inspector = new Inspector(store, new JsonCodec());
            long starting = System.nanoTime();
            Up first = Up.start(state, postgres.jdbcUrl(), 1);
            long started = System.nanoTime();
            try {
                assertThat(place(http, first.gateway(), "order-0"))
                        .as("with the mailer running")
                        .isEqualTo("placed order-0");

                first.signal("STOP", first.instancesOf("Mailer"));
                List<CompletableFuture<HttpResponse<String>>> unanswered = new ArrayList<>();
                for (int i = 1; i <= ORDERS; i++) {
                    unanswered.add(http.sendAsync(
                            placeRequest(first.gateway(), "order-" + i), HttpResponse.BodyHandlers.ofString()));
                }
                awaitOrdersRecorded(inspector);
                Thread.sleep(NO_ANSWER_WAIT.toMillis());
                assertThat(unanswered)
                        .as("answers while the mail of each order is still unsent (stopped Mailer)")
                        .noneMatch(CompletableFuture::isDone);

                first.kill9All();
                for (CompletableFuture<HttpResponse<String>> reply : unanswered) {
                    assertThat(reply).as("a client whose gateway was killed").failsWithin(Duration.ofSeconds(30));
                }
            } finally {
                first.close();
            }

            long killed = System.nanoTime();
            Up second = Up.start(state, postgres.jdbcUrl(), 2);
            long restarted = System.nanoTime();
            try {
                for (int i = 0; i <= ORDERS; i++) {
                    assertThat(place(http, second.gateway(), "order-" + i))
                            .as("the retried order-%d", i)
                            .isEqualTo("placed order-" + i);
                }
                for (int i = 0; i <= ORDERS; i++) {
                    assertThat(call(http, second.gateway(), "Mailer", "sent", "order-" + i, "sent-" + i)
                                    .asLong())
                            .as("mails sent for order-%d", i)
                            .isEqualTo(1);
                }
                Map<String, String> dump = inspector.dumpState();
                for (int i = 0; i <= ORDERS; i++) {
                    assertThat(dump).containsEntry("Shop.orders[\"order-" + i + "\"]", "\"placed\"");
                }
                assertThat(AfterRunCheck.problems(store))
                        .as("left behind after every request completed")
                        .isEmpty();
                System.out.printf(
                        "shop: %d orders held unanswered, kill -9 of every process, each mail sent once; start %d ms, "
                                + "orders until killed %d ms, restart %d ms, retries and checks %d ms%n",
                        ORDERS,
                        millis(starting, started),
                        millis(started, killed),
                        millis(killed, restarted),
                        millis(restarted, System.nanoTime()));
            } finally {
                second.close();
            }
        }
    }

    /** Waits until Shop.place persisted every order: the requests are in the middle of running, not stuck in front of it. */
    private static void awaitOrdersRecorded(Inspector inspector) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Map<String, String> dump = inspector.dumpState();
            if (IntStream.rangeClosed(1, ORDERS).allMatch(i -> dump.containsKey("Shop.orders[\"order-" + i + "\"]"))) {
                return;
            }
            assertThat(System.nanoTime())
                    .as("orders recorded within 60 s: %s", dump)
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static long millis(long from, long to) {
        return TimeUnit.NANOSECONDS.toMillis(to - from);
    }

    private static HttpRequest placeRequest(URI gateway, String order) {
        return HttpRequest.newBuilder(gateway.resolve("/call/Shop/place"))
                .header("Idempotency-Key", order)
                .POST(HttpRequest.BodyPublishers.ofString("[\"" + order + "\"]"))
                .build();
    }

    private static String place(HttpClient http, URI gateway, String order) throws Exception {
        return call(http, gateway, "Shop", "place", order, order).asText();
    }

    /** Sends until the gateway answers 200 (it may still be re-driving), with the same key; the answer's value. */
    private static JsonNode call(
            HttpClient http, URI gateway, String service, String method, String argument, String key) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(gateway.resolve("/call/" + service + "/" + method))
                .header("Idempotency-Key", key)
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("[\"" + argument + "\"]"))
                .build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    JsonNode body = JSON.readTree(response.body());
                    assertThat(body.path("ok").asBoolean()).as(response.body()).isTrue();
                    return body.get("value");
                }
                assertThat(response.statusCode())
                        .as("%s.%s %s: %s", service, method, key, response.body())
                        .isEqualTo(503);
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        throw new AssertionError(service + "." + method + " " + key + " never answered 200 in 60 s; last: " + last);
    }

    /**
     * {@code ./mu2sls up shop} as a child JVM, as a user starts it, with its gateway on a free port,
     * its state in {@code state} and the test's PostgreSQL; its output in {@code up-<run>.log}.
     */
    private record Up(Process process, Path log, URI gateway) implements AutoCloseable {

        static Up start(Path state, String storeUrl, int run) throws Exception {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(JVM_OPTIONS);
            command.addAll(List.of(
                    "-cp",
                    System.getProperty("java.class.path"),
                    Main.class.getName(),
                    "up",
                    "shop",
                    "--port",
                    "0",
                    "--state-dir",
                    state.toString(),
                    "--store-url",
                    storeUrl,
                    "--min-instances",
                    "1",
                    "--max-instances",
                    "1",
                    "--instance-jvm-options",
                    String.join(" ", JVM_OPTIONS)));
            Path log = state.resolve("up-" + run + ".log");
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put(PlatformStore.PASSWORD_ENV, "postgres");
            Process process = builder.start();
            try {
                return new Up(process, log, awaitReady(process, state, log));
            } catch (Exception | AssertionError e) {
                new Up(process, log, null).close();
                throw e;
            }
        }

        /** The gateway, once this process wrote the state file (every service ready); a crashed run's file names another pid. */
        private static URI awaitReady(Process process, Path state, Path log) throws Exception {
            Path stateFile = LocalPlatform.stateFile(state);
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (true) {
                if (Files.exists(stateFile)) {
                    JsonNode written = JSON.readTree(stateFile.toFile());
                    if (written.path("pid").asLong() == process.pid()) {
                        return URI.create(written.path("gateway").asText());
                    }
                }
                assertThat(process.isAlive())
                        .as("up exited:\n%s", Files.readString(log, UTF_8))
                        .isTrue();
                assertThat(System.nanoTime())
                        .as("up ready within %s:\n%s", START_TIMEOUT, Files.readString(log, UTF_8))
                        .isLessThan(deadline);
                Thread.sleep(100);
            }
        }

        /** The running instances of {@code service}, as the platform reported starting them ("started Mailer :port (pid N)"). */
        List<ProcessHandle> instancesOf(String service) throws IOException {
            Pattern started = Pattern.compile("platform: started " + service + " :\\d+ \\(pid (\\d+)\\)");
            Set<Long> reported = Files.readAllLines(log, UTF_8).stream()
                    .map(started::matcher)
                    .filter(Matcher::find)
                    .map(m -> Long.parseLong(m.group(1)))
                    .collect(Collectors.toSet());
            List<ProcessHandle> instances = process.descendants()
                    .filter(p -> reported.contains(p.pid()))
                    .toList();
            assertThat(instances)
                    .as("running %s instances of the platform", service)
                    .isNotEmpty();
            return instances;
        }

        void signal(String signal, List<ProcessHandle> targets) throws Exception {
            List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
            targets.forEach(p -> command.add(Long.toString(p.pid())));
            assertThat(new ProcessBuilder(command).inheritIO().start().waitFor())
                    .as(String.join(" ", command))
                    .isZero();
        }

        /** {@code kill -9} of up, the gateway and every instance at once, as when the machine loses power. */
        void kill9All() throws Exception {
            List<ProcessHandle> all = Stream.concat(Stream.of(process.toHandle()), process.descendants())
                    .toList();
            assertThat(all)
                    .as("up, its gateway and the Shop and Mailer instances")
                    .hasSizeGreaterThanOrEqualTo(4);
            signal("9", all);
            for (ProcessHandle p : all) {
                p.onExit().get(30, TimeUnit.SECONDS);
            }
        }

        /** Stops up (which stops its instances); whatever is left, a stopped instance say, is killed. */
        @Override
        public void close() throws IOException {
            List<ProcessHandle> left = process.descendants().toList();
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                for (ProcessHandle p : left) {
                    p.destroyForcibly();
                    p.onExit().get(10, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                throw new IOException("could not stop up (pid " + process.pid() + "): " + e, e);
            }
        }
    }
}
