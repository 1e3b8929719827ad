package dev.mu2sls.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mu2sls.examples.counter.CounterDispatcher;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** G6 over HTTP: bad input gets a 4xx with a JSON error naming the problem, and the store is unchanged. */
class HttpBadInputTest {
    private LocalFunctions app;
    private List<String> before;

    @BeforeEach
    void start() {
        app = new LocalFunctions(List.of(new CounterDispatcher()));
        assertThat(app.client("Counter", "add", "[\"k\", 5]", Map.of()).statusCode())
                .isEqualTo(200);
        before = app.storeContents();
    }

    @AfterEach
    void stop() {
        app.close();
    }

    static Stream<Arguments> badRequests() {
        String huge = "[\"" + "x".repeat(1 << 20) + "\", 1]";
        return Stream.of(
                Arguments.of("/call/Counter/add", "[\"k\", ", 400, "malformed-json", "not valid JSON"),
                Arguments.of(
                        "/call/Counter/add",
                        "{\"key\": \"k\", \"amount\": 1}",
                        400,
                        "bad-argument",
                        "no parameter 'amount'"),
                Arguments.of(
                        "/call/Counter/add",
                        "[\"k\", \"five\"]",
                        400,
                        "bad-argument",
                        "argument 'delta' must be a long"),
                Arguments.of("/call/Counter/add", "[\"k\"]", 400, "wrong-arity", "takes 2 arguments"),
                Arguments.of("/call/Counter/nope", "[]", 404, "unknown-method", "Counter has no method 'nope'"),
                Arguments.of("/call/Nope/add", "[]", 404, "unknown-service", "unknown service 'Nope'"),
                Arguments.of("/counter/add", "[]", 404, "unknown-route", "POST /call/<Service>/<method>"),
                Arguments.of("/call/Counter/add", huge, 413, "payload-too-large", "over the limit of 1048576 bytes"));
    }

    @ParameterizedTest(name = "{3}: POST {0}")
    @MethodSource("badRequests")
    void badRequestThroughTheGateway_4xxNamingTheProblem_nothingChanges(
            String path, String body, int status, String problem, String message) {
        assertError(
                app.post(app.gateway.resolve(path), body.getBytes(UTF_8), Map.of("Idempotency-Key", "bad-" + problem)),
                status,
                problem,
                message);
    }

    @Test
    void chunkedBodyOverTheLimit_413_nothingChanges() {
        byte[] huge = ("[\"" + "x".repeat(1 << 20) + "\", 1]").getBytes(UTF_8);
        HttpResponse<String> reply = app.send(HttpRequest.newBuilder(app.gateway.resolve("/call/Counter/add"))
                .POST(chunked(huge))
                .header("Idempotency-Key", "chunked-huge"));
        assertError(reply, 413, "payload-too-large", "over the limit");
        // refused by the gateway itself, which stopped reading: the connection cannot go on
        assertThat(reply.headers().firstValue("connection")).contains("close");
    }

    @Test
    void chunkedBodyInManyPieces_isReadWhole() {
        // the gateway reads a body as it arrives, without a waiting thread: several reads here
        String padded = "[\"k\"," + " ".repeat(200_000) + "2]";
        HttpResponse<String> reply = app.send(
                HttpRequest.newBuilder(app.gateway.resolve("/call/Counter/add")).POST(chunked(padded.getBytes(UTF_8))));
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        assertThat(LocalFunctions.json(reply).get("value").asLong()).isEqualTo(7);
    }

    /** A body without Content-Length, sent in 8 KiB pieces. */
    private static HttpRequest.BodyPublisher chunked(byte[] body) {
        return HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body));
    }

    @Test
    void getOnAMethodRoute_405() {
        assertError(
                app.send(HttpRequest.newBuilder(app.gateway.resolve("/call/Counter/add"))
                        .GET()),
                405,
                "method-not-allowed",
                "use POST");
        assertError(
                app.send(HttpRequest.newBuilder(app.function("Counter").resolve("/add"))
                        .GET()),
                405,
                "method-not-allowed",
                "POST");
    }

    @Test
    void functionUnknownRoute_404() {
        byte[] body = "[]".getBytes(UTF_8);
        assertError(
                app.post(app.function("Counter").resolve("/a/b"), body, Map.of()),
                404,
                "unknown-route",
                "POST /<method>");
    }

    @Test
    void functionWrongArgumentTypes_400NamingTheArgument() {
        byte[] body = "[\"k\", \"five\"]".getBytes(UTF_8);
        Map<String, String> headers =
                app.signer.sign(new CallSigner.CallMetadata("typed", null, "Counter", "add", false), body);
        HttpResponse<String> reply = app.post(app.function("Counter").resolve("/add"), body, headers);
        assertError(reply, 400, "bad-argument", "argument 'delta' must be a long");
        assertThat(LocalFunctions.json(reply).get("argument").asText()).isEqualTo("delta");
    }

    @Test
    void malformedTransactionHeader_400() {
        byte[] body = "[\"k\", 1]".getBytes(UTF_8);
        Map<String, String> headers =
                app.signer.sign(new CallSigner.CallMetadata("in-tx", "no-step", "Counter", "add", false), body);
        assertError(
                app.post(app.function("Counter").resolve("/add"), body, headers),
                400,
                "bad-transaction-header",
                "must be a transaction id '<request id>/<step>'");
    }

    @Test
    void badIdempotencyKey_400() {
        assertError(
                app.client("Counter", "add", "[\"k\", 1]", Map.of("Idempotency-Key", "has/slash")),
                400,
                "bad-idempotency-key",
                "without spaces or '/'");
    }

    private void assertError(HttpResponse<String> reply, int status, String problem, String message) {
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(status);
        JsonNode error = LocalFunctions.json(reply);
        assertThat(error.get("problem").asText()).isEqualTo(problem);
        assertThat(error.get("error").asText()).contains(message);
        assertThat(app.storeContents()).as("store after a rejected request").isEqualTo(before);
    }
}
