package dev.mu2sls.lambda;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mu2sls.core.Engine;
import dev.mu2sls.core.Inspector;
import dev.mu2sls.examples.counter.CounterDispatcher;
import dev.mu2sls.examples.travel.FlightDispatcher;
import dev.mu2sls.examples.travel.FrontendDispatcher;
import dev.mu2sls.examples.travel.HotelDispatcher;
import dev.mu2sls.examples.travel.OrderDispatcher;
import dev.mu2sls.http.CallSigner;
import dev.mu2sls.http.FunctionHandler;
import dev.mu2sls.http.HttpCallTransport;
import dev.mu2sls.http.StaticRoutes;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.observability.Telemetry;
import dev.mu2sls.spi.ServiceDefinition;
import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.MemoryStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Lambda handler invoked in-process with API Gateway proxy events, as Lambda would. */
class LambdaFunctionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CallSigner SIGNER = CallSigner.of("lambda-test-secret-0123".getBytes(UTF_8));
    private final MemoryStore store = new MemoryStore();
    private Engine engine;
    private LambdaFunction lambda;

    @BeforeEach
    void setUp() {
        engine = Engine.builder()
                .store(store)
                .codec(new JsonCodec())
                .service(new CounterDispatcher())
                .build();
        lambda = new LambdaFunction(new FunctionHandler(engine, "Counter", SIGNER, Engine.DEFAULT_MAX_PAYLOAD_BYTES));
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    /** A REST API (payload 1.0) proxy event for {@code POST /<method>}. */
    private static ObjectNode restEvent(String method, String body, Map<String, String> headers) {
        ObjectNode event = JSON.createObjectNode()
                .put("resource", "/{proxy+}")
                .put("path", "/" + method)
                .put("httpMethod", "POST")
                .put("body", body)
                .put("isBase64Encoded", false);
        ObjectNode h = event.putObject("headers").put("Content-Type", "application/json");
        headers.forEach(h::put);
        event.putObject("requestContext")
                .put("requestId", "c6af9ac6-7b61-11e6-9a41-93e8deadbeef")
                .put("stage", "prod");
        return event;
    }

    private static Map<String, String> signed(String requestId, String body) {
        return SIGNER.sign(new CallSigner.CallMetadata(requestId, null, "Counter", "add", false), body.getBytes(UTF_8));
    }

    private JsonNode invoke(JsonNode event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        lambda.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, null);
        return JSON.readTree(out.toByteArray());
    }

    private List<String> storeContents() {
        HexFormat hex = HexFormat.of();
        return store.scan(new byte[0], null, Integer.MAX_VALUE).stream()
                .map((KeyValue kv) -> hex.formatHex(kv.key()) + "=" + hex.formatHex(kv.value()))
                .toList();
    }

    @Test
    void retriedEvent_sameRequestId_appliedOnceSameResponse() throws IOException {
        ObjectNode event = restEvent("add", "[\"k\", 5]", signed("lambda-r1", "[\"k\", 5]"));
        JsonNode first = invoke(event);
        JsonNode retried = invoke(event); // Lambda's retry of the same event
        JsonNode resigned =
                invoke(restEvent("add", "[\"k\", 5]", signed("lambda-r1", "[\"k\", 5]"))); // a caller's retry
        assertThat(first.get("statusCode").asInt()).isEqualTo(200);
        assertThat(first.get("body").asText()).isEqualTo("{\"ok\":true,\"value\":5}");
        assertThat(retried.get("body").asText()).isEqualTo(first.get("body").asText());
        assertThat(resigned.get("body").asText()).isEqualTo(first.get("body").asText());
        assertThat(new Inspector(store, new JsonCodec()).dumpState()).containsEntry("Counter.counts[\"k\"]", "5");
        assertThat(invoke(restEvent("add", "[\"k\", 1]", signed("lambda-r2", "[\"k\", 1]")))
                        .get("body")
                        .asText())
                .isEqualTo("{\"ok\":true,\"value\":6}");
    }

    /**
     * Several services in one function: a booking's calls to the hotel, the flight and the order
     * service are delivered in-process. The function has no routes, so a call sent over HTTP
     * would find no instance and the booking would fail.
     */
    @Test
    void colocatedServices_bookingCallsTheOthersInProcess_inOneTransaction() throws IOException {
        MemoryStore travelStore = new MemoryStore();
        List<ServiceDefinition> travel =
                List.of(new FrontendDispatcher(), new HotelDispatcher(), new FlightDispatcher(), new OrderDispatcher());
        FunctionHandler colocated = LambdaFunction.function(
                travel,
                travelStore,
                HttpCallTransport.forCalls(StaticRoutes.parse(null), SIGNER),
                SIGNER,
                Engine.DEFAULT_STATE_CACHE_ENTRIES,
                Telemetry.off());
        LambdaFunction function = new LambdaFunction(colocated);
        assertThat(invokeOn(function, "Hotel", "open", "open-h", "[\"h1\", 2]"))
                .isEqualTo("{\"ok\":true,\"value\":null}");
        assertThat(invokeOn(function, "Flight", "open", "open-f", "[\"f1\", 2]"))
                .isEqualTo("{\"ok\":true,\"value\":null}");

        String booked = invokeOn(function, "Frontend", "book", "book-1", "[\"u1\", \"f1\", \"h1\"]");

        assertThat(JSON.readTree(booked).path("ok").asBoolean()).as(booked).isTrue();
        Map<String, String> state = new Inspector(travelStore, new JsonCodec()).dumpState();
        assertThat(state.get("Hotel.rooms[\"h1\"]")).contains("\"booked\":1");
        assertThat(state.get("Flight.seats[\"f1\"]")).contains("\"booked\":1");
        assertThat(state.keySet()).anyMatch(key -> key.startsWith("Order."));
    }

    @Test
    void serviceList_eachNamedServiceFound_emptyDuplicateOrUnknownNamesRefused() {
        List<ServiceDefinition> registered = List.of(new FrontendDispatcher(), new HotelDispatcher());

        assertThat(LambdaFunction.services(" Frontend , Hotel", registered))
                .extracting(ServiceDefinition::name)
                .containsExactly("Frontend", "Hotel");
        assertThatThrownBy(() -> LambdaFunction.services("Frontend,,Hotel", registered))
                .hasMessageContaining("empty service name");
        assertThatThrownBy(() -> LambdaFunction.services("Hotel,Hotel", registered))
                .hasMessageContaining("names Hotel twice");
        assertThatThrownBy(() -> LambdaFunction.services("Frontend,Flight", registered))
                .hasMessageContaining("names Flight but no service of that name is registered")
                .hasMessageContaining("[Frontend, Hotel]");
    }

    /** The body of {@code function}'s reply to a signed REST event for {@code POST /<service>/<method>}. */
    private static String invokeOn(
            LambdaFunction function, String service, String method, String requestId, String body) throws IOException {
        ObjectNode event = restEvent(
                service + "/" + method,
                body,
                SIGNER.sign(
                        new CallSigner.CallMetadata(requestId, null, service, method, false), body.getBytes(UTF_8)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        function.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, null);
        return JSON.readTree(out.toByteArray()).get("body").asText();
    }

    @Test
    void httpApiEvent_base64Body_served() throws IOException {
        String body = "[\"k\", 2]";
        ObjectNode event = JSON.createObjectNode()
                .put("version", "2.0")
                .put("rawPath", "/add")
                .put("body", Base64.getEncoder().encodeToString(body.getBytes(UTF_8)))
                .put("isBase64Encoded", true);
        ObjectNode headers = event.putObject("headers");
        signed("v2-r1", body).forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
        event.putObject("requestContext")
                .putObject("http")
                .put("method", "POST")
                .put("path", "/add");
        JsonNode reply = invoke(event);
        assertThat(reply.get("statusCode").asInt()).isEqualTo(200);
        assertThat(reply.get("body").asText()).isEqualTo("{\"ok\":true,\"value\":2}");
    }

    @Test
    void unsignedOrForgedEvent_rejectedAndNothingChanges() throws IOException {
        invoke(restEvent("add", "[\"k\", 5]", signed("seed", "[\"k\", 5]")));
        List<String> before = storeContents();
        JsonNode unsigned = invoke(restEvent("add", "[\"k\", 5]", Map.of()));
        assertThat(unsigned.get("statusCode").asInt()).isEqualTo(401);
        CallSigner forger = CallSigner.of("some-other-secret-value".getBytes(UTF_8));
        JsonNode forged = invoke(restEvent(
                "add",
                "[\"k\", 5]",
                forger.sign(
                        new CallSigner.CallMetadata("seed", null, "Counter", "add", false),
                        "[\"k\", 5]".getBytes(UTF_8))));
        assertThat(forged.get("statusCode").asInt()).isEqualTo(403);
        JsonNode badJson = invoke(restEvent("add", "[\"k\", ", signed("bad", "[\"k\", ")));
        assertThat(badJson.get("statusCode").asInt()).isEqualTo(400);
        assertThat(JSON.readTree(badJson.get("body").asText()).get("problem").asText())
                .isEqualTo("malformed-json");
        assertThat(storeContents()).isEqualTo(before);
    }

    @Test
    void notAnEvent_400() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        lambda.handleRequest(new ByteArrayInputStream("[1,2]".getBytes(UTF_8)), out, null);
        assertThat(JSON.readTree(out.toByteArray()).get("statusCode").asInt()).isEqualTo(400);
    }

    @Test
    void stateCacheEntries_fromTheEnvironment_badValuesNamed() {
        assertThat(LambdaFunction.stateCacheEntries(Map.of())).isEqualTo(Engine.DEFAULT_STATE_CACHE_ENTRIES);
        assertThat(LambdaFunction.stateCacheEntries(Map.of(LambdaFunction.STATE_CACHE_ENV, "0")))
                .isZero();
        assertThat(LambdaFunction.stateCacheEntries(Map.of(LambdaFunction.STATE_CACHE_ENV, " 1000 ")))
                .isEqualTo(1000);
        for (String bad : List.of("-1", "many", "1e6")) {
            assertThatThrownBy(() -> LambdaFunction.stateCacheEntries(Map.of(LambdaFunction.STATE_CACHE_ENV, bad)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(LambdaFunction.STATE_CACHE_ENV)
                    .hasMessageContaining("'" + bad + "'");
        }
    }
}
