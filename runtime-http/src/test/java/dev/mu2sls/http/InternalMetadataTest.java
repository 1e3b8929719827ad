package dev.mu2sls.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mu2sls.examples.counter.CounterDispatcher;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Request ids and transaction ids are the platform's: a call to a function with unsigned, forged,
 * altered or stale metadata is rejected with 401/403 and changes nothing, and the gateway drops
 * whatever internal headers a client sends.
 */
class InternalMetadataTest {
    private static final byte[] BODY = "[\"k\", 1]".getBytes(UTF_8);
    private LocalFunctions app;
    private List<String> before;

    @BeforeEach
    void start() {
        app = new LocalFunctions(List.of(new CounterDispatcher()));
        assertThat(app.client("Counter", "add", "[\"k\", 5]", Map.of("Idempotency-Key", "victim"))
                        .statusCode())
                .isEqualTo(200);
        before = app.storeContents();
    }

    @AfterEach
    void stop() {
        app.close();
    }

    /** A correctly signed call to Counter.add with request id {@code id}, for the cases to spoil. */
    private Map<String, String> signed(
            CallSigner signer, String id, String transaction, String method, boolean accept, byte[] body) {
        return new LinkedHashMap<>(
                signer.sign(new CallSigner.CallMetadata(id, transaction, "Counter", method, accept), body));
    }

    static Stream<Arguments> spoiled() {
        return Stream.of(
                Arguments.of("unsigned", (Consumer<Map<String, String>>) Map::clear, BODY, 401, "unsigned"),
                Arguments.of(
                        "request id swapped after signing",
                        (Consumer<Map<String, String>>) h -> h.put(InternalHeaders.REQUEST_ID, "victim"),
                        BODY,
                        403,
                        "bad-signature"),
                Arguments.of(
                        "transaction header added",
                        (Consumer<Map<String, String>>) h -> h.put(InternalHeaders.TRANSACTION, "victim/3"),
                        BODY,
                        403,
                        "bad-signature"),
                Arguments.of(
                        "accept flag added",
                        (Consumer<Map<String, String>>) h -> h.put(InternalHeaders.ACCEPT, "true"),
                        BODY,
                        403,
                        "bad-signature"),
                Arguments.of(
                        "deadline added after signing",
                        (Consumer<Map<String, String>>) h -> h.put(InternalHeaders.DEADLINE, "1"),
                        BODY,
                        403,
                        "bad-signature"),
                Arguments.of(
                        "deadline not a number",
                        (Consumer<Map<String, String>>) h -> h.put(InternalHeaders.DEADLINE, "later"),
                        BODY,
                        403,
                        "bad-signature"),
                Arguments.of(
                        "signature missing",
                        (Consumer<Map<String, String>>) h -> h.remove(InternalHeaders.SIGNATURE),
                        BODY,
                        401,
                        "unsigned"),
                Arguments.of(
                        "timestamp moved",
                        (Consumer<Map<String, String>>) h -> h.put(InternalHeaders.TIMESTAMP, "1"),
                        BODY,
                        403,
                        "bad-signature"),
                Arguments.of(
                        "timestamp not a number",
                        (Consumer<Map<String, String>>) h -> h.put(InternalHeaders.TIMESTAMP, "soon"),
                        BODY,
                        401,
                        "unsigned"),
                Arguments.of(
                        "body altered after signing",
                        (Consumer<Map<String, String>>) h -> {},
                        "[\"k\", 1000]".getBytes(UTF_8),
                        403,
                        "bad-signature"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("spoiled")
    void spoiledMetadata_rejectedAndNothingChanges(
            String name, Consumer<Map<String, String>> spoil, byte[] body, int status, String problem) {
        Map<String, String> headers = signed(app.signer, "attacker-1", null, "add", false, BODY);
        spoil.accept(headers);
        assertRejected(app.post(app.function("Counter").resolve("/add"), body, headers), status, problem);
    }

    @Test
    void callPastItsCallersDeadline_actsNot_503() {
        long passed = System.currentTimeMillis() - 1;
        Map<String, String> headers = new LinkedHashMap<>(
                app.signer.sign(new CallSigner.CallMetadata("late/0", null, "Counter", "add", false, passed), BODY));

        assertRejected(app.post(app.function("Counter").resolve("/add"), BODY, headers), 503, "execution-expired");
    }

    @Test
    void callWithinItsCallersDeadline_runs() {
        long later = System.currentTimeMillis() + 60_000;
        Map<String, String> headers = new LinkedHashMap<>(
                app.signer.sign(new CallSigner.CallMetadata("in-time/0", null, "Counter", "add", false, later), BODY));

        assertThat(app.post(app.function("Counter").resolve("/add"), BODY, headers)
                        .body())
                .isEqualTo("{\"ok\":true,\"value\":6}");
    }

    @Test
    void forgedWithAnotherSecret_forbidden() {
        CallSigner forger = CallSigner.of("not-the-platform-secret".getBytes(UTF_8));
        assertRejected(
                app.post(
                        app.function("Counter").resolve("/add"),
                        BODY,
                        signed(forger, "victim", null, "add", false, BODY)),
                403,
                "bad-signature");
    }

    @Test
    void signedForAnotherMethod_forbidden() {
        assertRejected(
                app.post(
                        app.function("Counter").resolve("/add"),
                        BODY,
                        signed(app.signer, "x", null, "get", false, BODY)),
                403,
                "bad-signature");
    }

    @Test
    void staleSignature_rejected() {
        CallSigner past = CallSigner.of(
                LocalFunctions.SECRET,
                InstantSource.fixed(Instant.now().minus(Duration.ofMinutes(10))),
                CallSigner.DEFAULT_MAX_SKEW);
        assertRejected(
                app.post(app.function("Counter").resolve("/add"), BODY, signed(past, "late", null, "add", false, BODY)),
                401,
                "stale-signature");
    }

    @Test
    void transactionHeaderStrippedFromASignedCall_forbidden() {
        Map<String, String> headers = signed(app.signer, "in-tx", "owner/2", "add", false, BODY);
        headers.remove(InternalHeaders.TRANSACTION);
        assertRejected(app.post(app.function("Counter").resolve("/add"), BODY, headers), 403, "bad-signature");
    }

    @Test
    void clientSendsInternalHeaders_gatewayDropsThem() {
        Map<String, String> headers = signed(app.signer, "victim", "victim/1", "add", false, BODY);
        headers.put(InternalHeaders.ACCEPT, "false");
        HttpResponse<String> reply = app.client("Counter", "add", "[\"k\", 1]", headers);
        // not the victim's recorded answer (5): a request of its own, outside any transaction
        assertThat(reply.body()).isEqualTo("{\"ok\":true,\"value\":6}");
        assertThat(reply.headers().firstValue(InternalHeaders.IDEMPOTENCY_KEY))
                .isPresent()
                .get()
                .isNotEqualTo("victim");
        assertThat(app.inspector.transactionCounts().provisionalRecords()).isZero();
    }

    private void assertRejected(HttpResponse<String> reply, int status, String problem) {
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(status);
        JsonNode error = LocalFunctions.json(reply);
        assertThat(error.get("problem").asText()).isEqualTo(problem);
        assertThat(error.get("error").asText()).isNotBlank();
        assertThat(app.storeContents()).as("store after a rejected call").isEqualTo(before);
    }
}
