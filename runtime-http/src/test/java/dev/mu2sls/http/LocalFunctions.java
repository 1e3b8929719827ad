package dev.mu2sls.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mu2sls.core.Engine;
import dev.mu2sls.core.Inspector;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.observability.Telemetry;
import dev.mu2sls.spi.ServiceDefinition;
import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.MemoryStore;
import dev.mu2sls.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A test fixture: each service as an HTTP function in this JVM (one server per service, one shared
 * in-memory store), calls between them over HTTP, and a gateway in front.
 */
final class LocalFunctions implements AutoCloseable {
    static final byte[] SECRET = "local-functions-test-secret".getBytes(UTF_8);
    static final ObjectMapper JSON = new ObjectMapper();

    final Store store = new MemoryStore();
    final Inspector inspector = new Inspector(store, new JsonCodec());
    final CallSigner signer = CallSigner.of(SECRET);
    final FakeRoutes routes = new FakeRoutes();
    final Map<String, Engine> engines = new LinkedHashMap<>();
    private final List<HttpServerAdapter> servers = new ArrayList<>();
    private final Map<String, URI> functions = new LinkedHashMap<>();
    final HttpCallTransport transport;
    final URI gateway;
    /** Requests the gateway gave up re-driving. */
    final List<String> givenUp = new CopyOnWriteArrayList<>();

    final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    final Map<String, FunctionHandler> handlers = new LinkedHashMap<>();
    final GatewayHandler gatewayHandler;

    LocalFunctions(List<ServiceDefinition> services) {
        this(services, Telemetry.off());
    }

    /** Every engine and the gateway report to {@code telemetry}. */
    LocalFunctions(List<ServiceDefinition> services, Telemetry telemetry) {
        this(services, process -> telemetry);
    }

    /**
     * Each function and the gateway report to their own telemetry, as separate processes do
     * ({@code telemetryOf} is asked for each service name and for {@code "gateway"}). The gateway
     * serves the console on loopback.
     */
    LocalFunctions(List<ServiceDefinition> services, Function<String, Telemetry> telemetryOf) {
        transport = new HttpCallTransport(routes, signer, Duration.ofSeconds(10), Duration.ofSeconds(10));
        for (ServiceDefinition service : services) {
            Telemetry telemetry = telemetryOf.apply(service.name());
            Engine engine = Engine.builder()
                    .store(store)
                    .codec(new JsonCodec())
                    .service(service)
                    .transport(transport)
                    .observer(telemetry.observer())
                    .build();
            engines.put(service.name(), engine);
            FunctionHandler handler =
                    new FunctionHandler(engine, service.name(), signer, Engine.DEFAULT_MAX_PAYLOAD_BYTES, telemetry);
            handlers.put(service.name(), handler);
            HttpServerAdapter server = HttpServerAdapter.start("127.0.0.1", 0, handler.maxBodyBytes(), handler::handle);
            servers.add(server);
            URI uri = URI.create("http://127.0.0.1:" + server.port());
            functions.put(service.name(), uri);
            routes.set(service.name(), List.of(uri));
        }
        Telemetry gatewayTelemetry = telemetryOf.apply("gateway");
        Console console = new Console(inspector, gatewayTelemetry, routes, Console.Exposure.LOOPBACK);
        gatewayHandler = new GatewayHandler(
                transport,
                services,
                Engine.DEFAULT_MAX_PAYLOAD_BYTES,
                null,
                (invocation, report) -> givenUp.add(invocation.requestId()),
                gatewayTelemetry,
                console);
        HttpServerAdapter server =
                JettyServer.startNonBlocking("127.0.0.1", 0, gatewayHandler.maxBodyBytes(), gatewayHandler::handle);
        servers.add(server);
        gateway = URI.create("http://127.0.0.1:" + server.port());
    }

    URI function(String service) {
        return functions.get(service);
    }

    /** POSTs {@code body} to the gateway's route for {@code service.method}. */
    HttpResponse<String> client(String service, String method, String body, Map<String, String> headers) {
        return post(gateway.resolve("/call/" + service + "/" + method), body.getBytes(UTF_8), headers);
    }

    HttpResponse<String> post(URI uri, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return send(request);
    }

    HttpResponse<String> get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every key and value in the store, hex, for before/after comparisons. */
    List<String> storeContents() {
        HexFormat hex = HexFormat.of();
        return store.scan(new byte[0], null, Integer.MAX_VALUE).stream()
                .map((KeyValue kv) -> hex.formatHex(kv.key()) + "=" + hex.formatHex(kv.value()))
                .toList();
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    @Override
    public void close() {
        servers.forEach(server -> server.stop(0));
        engines.values().forEach(Engine::close);
        http.close();
    }

    /** Routes a test changes at will. */
    static final class FakeRoutes implements Routes {
        private final Map<String, List<URI>> routes = new ConcurrentHashMap<>();

        void set(String service, List<URI> uris) {
            routes.put(service, List.copyOf(uris));
        }

        @Override
        public List<URI> instances(String service) {
            return routes.getOrDefault(service, List.of());
        }

        @Override
        public Set<String> services() {
            return routes.keySet();
        }
    }
}
