package dev.mu2sls.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mu2sls.core.Engine;
import dev.mu2sls.examples.chain.Caller2Dispatcher;
import dev.mu2sls.examples.counter.CounterDispatcher;
import dev.mu2sls.http.CallSigner;
import dev.mu2sls.http.FileRoutes;
import dev.mu2sls.http.FunctionHandler;
import dev.mu2sls.http.HttpServerAdapter;
import dev.mu2sls.http.JdkServer;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.platform.local.PlatformStore;
import dev.mu2sls.store.postgres.PostgresStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real function process ({@code mu2sls function}, W2's Caller1 on PostgreSQL) while a
 * request is in flight: the process stops accepting connections at once, lets the request finish,
 * and only then exits; its log, asked for as JSON lines, says so.
 */
class GracefulShutdownTest {
    private static final String SECRET = "graceful-shutdown-test-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final PostgresPerClass postgres = new PostgresPerClass();

    @TempDir
    Path directory;

    @Test
    void sigterm_requestInFlightFinishesThenTheProcessExits() throws Exception {
        int caller2Port = freePort();
        Path routes = directory.resolve("routes.json");
        FileRoutes.write(routes, Map.of("Caller2", List.of(URI.create("http://127.0.0.1:" + caller2Port))));
        int caller1Port = freePort();
        Path log = directory.resolve("caller1.log");
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "function",
                        "--app",
                        "chain",
                        "--service",
                        "Caller1",
                        "--routes",
                        routes.toString(),
                        "--store-url",
                        postgres.jdbcUrl())
                .redirectError(log.toFile());
        builder.environment()
                .putAll(Map.of(
                        "PORT",
                        Integer.toString(caller1Port),
                        CallSigner.SECRET_ENV,
                        SECRET,
                        "MU2SLS_SHUTDOWN_GRACE_SECONDS",
                        "60",
                        "MU2SLS_LOG_FORMAT",
                        "json"));
        Process caller1 = builder.start();
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Caller2 caller2 = null;
        try {
            awaitLine(caller1, "listening on");
            // Caller2 is not up yet: Caller1's call to it retries, so the request stays in flight
            byte[] body = "[\"k\", 5]".getBytes(UTF_8);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + caller1Port + "/add"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            CallSigner.of(SECRET.getBytes(UTF_8))
                    .sign(new CallSigner.CallMetadata("in-flight", null, "Caller1", "add", true), body)
                    .forEach(request::header);
            CompletableFuture<HttpResponse<String>> reply =
                    http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
            awaitInFlight(http, caller1Port);

            caller1.destroy(); // SIGTERM

            awaitRefused(caller1Port);
            assertThat(reply).as("the request in flight is still running").isNotDone();
            assertThat(caller1.isAlive()).as("the process waits for it").isTrue();

            caller2 = startCaller2(caller2Port);
            HttpResponse<String> answer = reply.get(60, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("{\"ok\":true,\"value\":5}");
            assertThat(caller1.waitFor(30, TimeUnit.SECONDS))
                    .as("the process exits once the request finished")
                    .isTrue();
            // the log is JSON lines (MU2SLS_LOG_FORMAT=json), one per event
            List<JsonNode> events = new ArrayList<>();
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith("{")) {
                    events.add(JSON.readTree(line));
                }
            }
            assertThat(events)
                    .extracting(event -> event.path("formattedMessage").asText())
                    .anySatisfy(message -> assertThat(message).startsWith("stopping function chain/Caller1"))
                    .anySatisfy(message -> assertThat(message)
                            .startsWith("stopped function chain/Caller1")
                            .endsWith("every request in flight finished"));
        } finally {
            caller1.destroyForcibly();
            if (caller2 != null) {
                caller2.close();
            }
            http.close();
        }
    }

    /** Caller2 and Counter in this JVM, on the application's store: a real engine behind the route Caller1 calls. */
    private record Caller2(HttpServerAdapter server, Engine engine, PostgresStore store) implements AutoCloseable {
        @Override
        public void close() {
            server.stop(0);
            engine.close();
            store.close();
        }
    }

    private Caller2 startCaller2(int port) {
        PostgresStore store =
                PostgresStore.open(postgres.jdbcUrl(), "postgres", "postgres", 2, PlatformStore.table("chain"));
        AtomicReference<Engine> engine = new AtomicReference<>();
        engine.set(Engine.builder()
                .store(store)
                .codec(new JsonCodec())
                .service(new Caller2Dispatcher())
                .service(new CounterDispatcher())
                .transport(invocation -> engine.get().invoke(invocation))
                .build());
        FunctionHandler handler = new FunctionHandler(
                engine.get(), "Caller2", CallSigner.of(SECRET.getBytes(UTF_8)), Engine.DEFAULT_MAX_PAYLOAD_BYTES);
        return new Caller2(
                JdkServer.start("127.0.0.1", port, handler.maxBodyBytes(), handler::handle), engine.get(), store);
    }

    private static void awaitLine(Process process, String text) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.contains(text)) {
                return;
            }
        }
        throw new AssertionError("the process ended without printing '" + text + "'");
    }

    private static void awaitInFlight(HttpClient http, int port) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body()
                .contains("\"inFlight\":1")) {
            assertThat(System.nanoTime()).as("the request reached the function").isLessThan(until);
            Thread.sleep(20);
        }
    }

    private static void awaitRefused(int port) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try (Socket accepted = new Socket("127.0.0.1", port)) {
                assertThat(accepted.isConnected()).isTrue();
                assertThat(System.nanoTime())
                        .as("the stopping process refuses new connections")
                        .isLessThan(until);
                Thread.sleep(20);
            } catch (ConnectException refused) {
                return;
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
