package dev.mu2sls.lambda;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mu2sls.core.Engine;
import dev.mu2sls.http.CallSigner;
import dev.mu2sls.http.ColocatedCallTransport;
import dev.mu2sls.http.FunctionHandler;
import dev.mu2sls.http.HttpCall;
import dev.mu2sls.http.HttpCallTransport;
import dev.mu2sls.http.HttpReply;
import dev.mu2sls.http.StaticRoutes;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.observability.Telemetry;
import dev.mu2sls.spi.ServiceDefinition;
import dev.mu2sls.store.Store;
import dev.mu2sls.store.postgres.PostgresStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One service, or several co-located, as an AWS Lambda function behind API Gateway (REST API proxy integration, payload
 * 1.0, or HTTP API / function URL, payload 2.0): the same {@link FunctionHandler} as the HTTP
 * runtime, so the same routes, signed metadata, errors and exactly-once behaviour. Lambda retries
 * a failed asynchronous invocation, and API Gateway clients retry, with the same event: the same
 * {@code Mu2sls-Request-Id}, which the engine deduplicates.
 *
 * <h2>Configuration (environment)</h2>
 * {@code MU2SLS_SERVICE} the service to serve (found among the services registered on the class
 * path), or several separated by commas to co-locate them in one function (each served at
 * {@code /<service>/<method>}; calls between them are delivered in-process by a
 * {@link ColocatedCallTransport}, without a hop, a signature or an API Gateway request);
 * {@code MU2SLS_STORE_URL}, {@code MU2SLS_STORE_USER}, {@code MU2SLS_STORE_PASSWORD} the
 * shared PostgreSQL-compatible store (the table is {@code MU2SLS_STORE_TABLE}, default
 * {@code mu2sls}); {@code MU2SLS_SECRET} or {@code MU2SLS_SECRET_FILE}; {@code MU2SLS_ROUTES} the
 * URLs of the other services; {@code MU2SLS_STATE_CACHE_ENTRIES} the size of the engine's state
 * cache (0 turns it off); {@code MU2SLS_METRICS} and the {@code OTEL_*} variables as for every
 * function (metrics on, traces off by default). Logs go through SLF4J to Logback (the
 * {@code logback.xml} of {@code mu2sls-observability}; {@code MU2SLS_LOG_FORMAT=json} for JSON
 * lines). Set the handler to {@code dev.mu2sls.lambda.LambdaFunction}.
 *
 * <h2>Thread safety</h2>
 * Lambda calls one instance from one thread at a time; the handler is safe for more.
 */
public final class LambdaFunction implements RequestStreamHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String STATE_CACHE_ENV = "MU2SLS_STATE_CACHE_ENTRIES";

    private final FunctionHandler handler;

    /** The constructor Lambda calls: configured from the environment (once per execution environment). */
    public LambdaFunction() {
        this(fromEnvironment(System.getenv()));
    }

    /** A handler over an already built function (tests, other wiring). */
    public LambdaFunction(FunctionHandler handler) {
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    static FunctionHandler fromEnvironment(Map<String, String> environment) {
        List<ServiceDefinition> services =
                services(required(environment, "MU2SLS_SERVICE"), ServiceLoader.load(ServiceDefinition.class));
        CallSigner signer = CallSigner.fromEnvironment(environment);
        int stateCacheEntries = stateCacheEntries(environment);
        PostgresStore store = PostgresStore.open(
                required(environment, "MU2SLS_STORE_URL"),
                environment.getOrDefault("MU2SLS_STORE_USER", "postgres"),
                environment.getOrDefault("MU2SLS_STORE_PASSWORD", ""),
                2,
                environment.getOrDefault("MU2SLS_STORE_TABLE", "mu2sls"));
        // Metrics are kept for GET /metrics through the function URL; traces go where OTEL_* says
        // (the ADOT collector layer, for one).
        Telemetry telemetry = Telemetry.fromEnvironment(
                services.stream().map(ServiceDefinition::name).collect(Collectors.joining("+")), environment);
        HttpCallTransport http =
                HttpCallTransport.forCalls(StaticRoutes.parse(environment.get(StaticRoutes.ROUTES_ENV)), signer);
        return function(services, store, http, signer, stateCacheEntries, telemetry);
    }

    /**
     * A function serving {@code services} over {@code store}: with more than one, co-located in one
     * engine, whose calls between them stay in-process and whose other calls go over {@code http}.
     */
    static FunctionHandler function(
            List<ServiceDefinition> services,
            Store store,
            HttpCallTransport http,
            CallSigner signer,
            int stateCacheEntries,
            Telemetry telemetry) {
        // A function URL is one address for every instance: no route can name this instance, so a
        // call for a service with several routes goes over HTTP to the one its key chooses.
        ColocatedCallTransport colocated =
                services.size() > 1 ? new ColocatedCallTransport(http, null, route -> false) : null;
        Engine.Builder builder = Engine.builder()
                .store(store)
                .codec(new JsonCodec())
                .services(services)
                .stateCacheEntries(stateCacheEntries)
                .transport(colocated != null ? colocated : http)
                .observer(telemetry.observer());
        if (colocated != null) {
            builder.inProcessCalls(colocated::deliversHere);
        }
        Engine engine = builder.build();
        if (colocated != null) {
            colocated.attach(engine);
        }
        List<String> names = services.stream().map(ServiceDefinition::name).toList();
        return new FunctionHandler(engine, names, signer, Engine.DEFAULT_MAX_PAYLOAD_BYTES, telemetry);
    }

    /**
     * The services {@code MU2SLS_SERVICE} names, one or several separated by commas, each found
     * among {@code registered} (the services on the class path).
     */
    static List<ServiceDefinition> services(String names, Iterable<ServiceDefinition> registered) {
        Map<String, ServiceDefinition> byName = new LinkedHashMap<>();
        registered.forEach(definition -> byName.put(definition.name(), definition));
        List<ServiceDefinition> services = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String part : names.split(",", -1)) {
            String name = part.strip();
            if (name.isEmpty()) {
                throw new IllegalStateException("MU2SLS_SERVICE='" + names
                        + "' has an empty service name; name one service, or several separated by commas");
            }
            if (!seen.add(name)) {
                throw new IllegalStateException("MU2SLS_SERVICE='" + names + "' names " + name + " twice");
            }
            ServiceDefinition definition = byName.get(name);
            if (definition == null) {
                throw new IllegalStateException("MU2SLS_SERVICE names " + name
                        + " but no service of that name is registered on the class path"
                        + " (META-INF/services/dev.mu2sls.spi.ServiceDefinition; registered: " + byName.keySet()
                        + "); package the application's jar with the function");
            }
            services.add(definition);
        }
        return services;
    }

    /**
     * {@code MU2SLS_STATE_CACHE_ENTRIES}: state values the engine caches (0 turns the cache off, as
     * for functions that many concurrent containers serve on the same keys); the engine's default
     * when unset.
     */
    static int stateCacheEntries(Map<String, String> environment) {
        String text = environment.get(STATE_CACHE_ENV);
        if (text == null || text.isBlank()) {
            return Engine.DEFAULT_STATE_CACHE_ENTRIES;
        }
        try {
            int entries = Integer.parseInt(text.strip());
            if (entries >= 0) {
                return entries;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalStateException(
                STATE_CACHE_ENV + " must be 0 (cache off) or a positive number of entries: got '" + text + "'");
    }

    private static String required(Map<String, String> environment, String name) {
        String value = environment.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("the Lambda function needs the environment variable " + name);
        }
        return value;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        HttpReply reply;
        JsonNode event;
        try {
            event = JSON.readTree(input);
        } catch (IOException e) {
            event = null;
        }
        if (event == null || !event.isObject()) {
            reply = new HttpReply(
                    400,
                    Map.of(),
                    "{\"error\":\"the Lambda event is not an API Gateway proxy event (JSON object)\",\"problem\":\"bad-event\"}"
                            .getBytes(UTF_8));
        } else {
            reply = handler.handle(toCall(event, handler.maxBodyBytes()));
        }
        ObjectNode response =
                JSON.createObjectNode().put("statusCode", reply.status()).put("isBase64Encoded", false);
        ObjectNode headers = response.putObject("headers").put("Content-Type", "application/json");
        reply.headers().forEach(headers::put);
        response.put("body", new String(reply.body(), UTF_8));
        JSON.writeValue(output, response);
    }

    /** An API Gateway proxy event (payload 1.0 or 2.0) as the handler's request. */
    static HttpCall toCall(JsonNode event, int maxBodyBytes) {
        String method = event.path("httpMethod")
                .asText(event.path("requestContext").path("http").path("method").asText("GET"));
        String path = event.has("rawPath")
                ? event.get("rawPath").asText()
                : event.path("path").asText("/");
        Map<String, String> headers = new HashMap<>();
        event.path("headers")
                .properties()
                .forEach(entry -> headers.put(entry.getKey(), entry.getValue().asText()));
        byte[] body = new byte[0];
        JsonNode text = event.path("body");
        if (text.isTextual()) {
            body = event.path("isBase64Encoded").asBoolean()
                    ? Base64.getDecoder().decode(text.asText())
                    : text.asText().getBytes(UTF_8);
        }
        boolean tooLarge = body.length > maxBodyBytes;
        return new HttpCall(method, path, headers, tooLarge ? new byte[0] : body, tooLarge);
    }
}
