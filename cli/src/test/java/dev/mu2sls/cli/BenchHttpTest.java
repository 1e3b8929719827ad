package dev.mu2sls.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.core.Engine;
import dev.mu2sls.core.Inspector;
import dev.mu2sls.core.Mode;
import dev.mu2sls.http.CallSigner;
import dev.mu2sls.http.FunctionHandler;
import dev.mu2sls.http.GatewayHandler;
import dev.mu2sls.http.HttpCallTransport;
import dev.mu2sls.http.HttpServerAdapter;
import dev.mu2sls.http.JettyServer;
import dev.mu2sls.http.Routes;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.observability.Telemetry;
import dev.mu2sls.platform.local.LocalPlatform;
import dev.mu2sls.platform.local.PlatformMode;
import dev.mu2sls.spi.ServiceDefinition;
import dev.mu2sls.store.MemoryStore;
import dev.mu2sls.testing.SkipAfterRunCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mu2sls bench-http}: against the local platform started in exactly-once mode (real
 * processes, a local PostgreSQL), and against an in-process travel application whose set-up
 * (hotels and flights opened) must run before the bookings.
 */
@Tag("slow")
class BenchHttpTest {
    private static final String RESULT = "mu2sls %s %s c=%d rps=[0-9.]+ p50_ms=[0-9.]+ p99_ms=[0-9.]+ errors=0";

    @TempDir
    Path state;

    private record Run(int exitCode, List<String> lines) {}

    private static Run run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, UTF_8));
        try {
            int code = Main.run(args);
            return new Run(code, captured.toString(UTF_8).lines().toList());
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void upInExactlyOnceMode_benchHttpLabelsItsResultWithTheModeTheFunctionsRun() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        LocalPlatform.Options options = new LocalPlatform.Options(
                "counter",
                PlatformMode.EXACTLY_ONCE,
                null,
                "postgres",
                "postgres",
                state,
                0,
                1,
                1,
                8,
                null,
                1,
                List.of("-XX:+UseSerialGC", "-Xmx128m", "-XX:TieredStopAtLevel=1"),
                new PrintStream(log, true, UTF_8),
                false,
                Main.class.getName(),
                false);
        try (LocalPlatform platform = LocalPlatform.start(options);
                HttpClient http = HttpClient.newHttpClient()) {
            Matcher counter = Pattern.compile("\"Counter\"\\s*:\\s*\\[\\s*\"([^\"]+)\"")
                    .matcher(Files.readString(state.resolve("routes.json")));
            assertThat(counter.find())
                    .as("routes.json lists the Counter instance")
                    .isTrue();
            String health = http.send(
                            HttpRequest.newBuilder(URI.create(counter.group(1) + "/health"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(health)
                    .as("the function's engine runs in the mode up was given")
                    .contains("\"mode\":\"exactly-once\"");

            Run bench = run(
                    "bench-http",
                    "--state-dir",
                    state.toString(),
                    "--workload",
                    "W1",
                    "--concurrency",
                    "4",
                    "--seconds",
                    "1",
                    "--warmup",
                    "0.5");

            assertThat(bench.exitCode())
                    .as(bench.lines() + "\n" + log.toString(UTF_8))
                    .isZero();
            assertThat(bench.lines().getLast()).matches(RESULT.formatted("W1", "exactly-once", 4));
            assertThat(platform.summary()).contains("deaths 0");
        }
    }

    @Test
    @SkipAfterRunCheck("HttpCallTransport has no close(): its Jetty client threads outlive the engines")
    void travelInProcess_setUpRunsFirstThenBookingsSucceed() throws Exception {
        MemoryStore store = new MemoryStore();
        CallSigner signer = CallSigner.of("bench-http-test-secret".getBytes(UTF_8));
        Map<String, List<URI>> routeTable = new ConcurrentHashMap<>();
        Routes routes = new Routes() {
            @Override
            public List<URI> instances(String service) {
                return routeTable.getOrDefault(service, List.of());
            }

            @Override
            public Set<String> services() {
                return routeTable.keySet();
            }
        };
        HttpCallTransport transport =
                new HttpCallTransport(routes, signer, Duration.ofSeconds(10), Duration.ofSeconds(10));
        List<HttpServerAdapter> servers = new ArrayList<>();
        List<Engine> engines = new ArrayList<>();
        try {
            for (ServiceDefinition service : Workload.W5.services) {
                Engine engine = Engine.builder()
                        .store(store)
                        .codec(new JsonCodec())
                        .mode(Mode.FULL)
                        .service(service)
                        .transport(transport)
                        .build();
                engines.add(engine);
                FunctionHandler handler =
                        new FunctionHandler(engine, service.name(), signer, Engine.DEFAULT_MAX_PAYLOAD_BYTES);
                HttpServerAdapter server =
                        HttpServerAdapter.start("127.0.0.1", 0, handler.maxBodyBytes(), handler::handle);
                servers.add(server);
                routeTable.put(service.name(), List.of(URI.create("http://127.0.0.1:" + server.port())));
            }
            GatewayHandler gateway = new GatewayHandler(
                    transport,
                    Workload.W5.services,
                    Engine.DEFAULT_MAX_PAYLOAD_BYTES,
                    Mode.FULL,
                    (invocation, report) -> {},
                    Telemetry.off());
            HttpServerAdapter gatewayServer =
                    JettyServer.startNonBlocking("127.0.0.1", 0, gateway.maxBodyBytes(), gateway::handle);
            servers.add(gatewayServer);

            Run bench = run(
                    "bench-http",
                    "--gateway",
                    "http://127.0.0.1:" + gatewayServer.port(),
                    "--workload",
                    "W5",
                    "--concurrency",
                    "4",
                    "--seconds",
                    "1",
                    "--warmup",
                    "0");

            assertThat(bench.exitCode()).as(bench.lines().toString()).isZero();
            assertThat(bench.lines()).anyMatch(line -> line.startsWith("set-up: 200 requests"));
            assertThat(bench.lines().getLast()).matches(RESULT.formatted("W5", "full", 4));
            SortedMap<String, String> finalState = new Inspector(store, new JsonCodec()).dumpState();
            assertThat(InvariantChecks.travel(finalState)).isEmpty();
            assertThat(finalState.keySet())
                    .as("bookings found the hotels and flights opened")
                    .anyMatch(k -> k.startsWith("Order.orders"));
        } finally {
            servers.forEach(server -> server.stop(0));
            engines.forEach(Engine::close);
        }
    }
}
