package dev.mu2sls.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.mu2sls.examples.chain.Caller1Dispatcher;
import dev.mu2sls.examples.chain.Caller2Dispatcher;
import dev.mu2sls.examples.counter.CounterDispatcher;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** W2 over HTTP: gateway, three functions, calls between them over the HTTP transport. */
class HttpFunctionTest {
    private LocalFunctions app;

    @BeforeEach
    void start() {
        app = new LocalFunctions(List.of(new Caller1Dispatcher(), new Caller2Dispatcher(), new CounterDispatcher()));
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void chain_sameIdempotencyKey_appliedOnceAndSameAnswer() {
        HttpResponse<String> first = app.client("Caller1", "add", "[\"k\", 5]", Map.of("Idempotency-Key", "client-1"));
        HttpResponse<String> again = app.client("Caller1", "add", "[\"k\", 5]", Map.of("Idempotency-Key", "client-1"));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("{\"ok\":true,\"value\":5}");
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(first.headers().firstValue("Idempotency-Key")).contains("client-1");
        assertThat(app.inspector.dumpState()).containsEntry("Counter.counts[\"k\"]", "5");
    }

    @Test
    void clientWithoutKey_getsAGeneratedOneToRetryWith() {
        HttpResponse<String> first = app.client("Counter", "add", "[\"k\", 2]", Map.of());
        String key = first.headers().firstValue("Idempotency-Key").orElseThrow();
        HttpResponse<String> retried = app.client("Counter", "add", "[\"k\", 2]", Map.of("Idempotency-Key", key));
        assertThat(retried.body()).isEqualTo(first.body()).isEqualTo("{\"ok\":true,\"value\":2}");
    }

    @Test
    void idempotencyKeyWithSlash_rejected() {
        HttpResponse<String> reply = app.client("Caller1", "add", "[\"k\", 1]", Map.of("Idempotency-Key", "a/b"));
        assertThat(reply.statusCode()).isEqualTo(400);
        assertThat(LocalFunctions.json(reply).get("problem").asText()).isEqualTo("bad-idempotency-key");
    }

    @Test
    void deadInstance_callRetriedElsewhereWithTheSameId() throws Exception {
        URI dead;
        try (ServerSocket socket = new ServerSocket(0)) {
            dead = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        URI live = app.function("Counter");
        app.routes.set("Counter", List.of(dead));
        Thread revive = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            app.routes.set("Counter", List.of(dead, live));
        });
        HttpResponse<String> reply =
                app.client("Caller1", "add", "[\"k\", 7]", Map.of("Idempotency-Key", "through-a-dead-instance"));
        revive.join();
        assertThat(reply.body()).isEqualTo("{\"ok\":true,\"value\":7}");
        assertThat(app.transport.retries()).isPositive();
        assertThat(app.inspector.dumpState()).containsEntry("Counter.counts[\"k\"]", "7");
    }

    /**
     * The client's callee's address now answered by another function (a port a dead instance
     * freed, taken by a new instance of another service, before the routes say so): it refuses
     * the call's signature, 403. That refusal is not the callee's, so the gateway does not relay
     * it: it retries until the routes lead to the callee.
     */
    @Test
    void clientsCalleeAtAStaleAddress_theGatewayRetries_insteadOfRelayingTheRefusal() throws Exception {
        URI live = app.function("Caller1");
        app.routes.set("Caller1", List.of(app.function("Counter")));
        Thread fix = fixRouteLater("Caller1", live);
        HttpResponse<String> reply =
                app.client("Caller1", "add", "[\"k\", 7]", Map.of("Idempotency-Key", "through-a-stale-address"));
        fix.join();
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo("{\"ok\":true,\"value\":7}");
        assertThat(app.transport.retries()).isPositive();
        assertThat(app.inspector.dumpState()).containsEntry("Counter.counts[\"k\"]", "7");
    }

    /**
     * The client's callee's address now served by an unrelated web server, whose 200 is not a
     * response: the gateway does not relay its page to the client, it retries until the routes
     * lead to the callee. (Between functions the engine would stop the caller's execution as in a
     * crash instead: {@code CallTransportFailureTest}.)
     */
    @Test
    void clientsCalleeAtAnUnrelatedServer_theGatewayRetries_insteadOfRelayingItsPage() throws Exception {
        HttpServer unrelated = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        unrelated.createContext("/", exchange -> {
            byte[] page = "<html>it works</html>".getBytes(UTF_8);
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        unrelated.start();
        try {
            URI live = app.function("Caller1");
            app.routes.set(
                    "Caller1",
                    List.of(URI.create(
                            "http://127.0.0.1:" + unrelated.getAddress().getPort())));
            Thread fix = fixRouteLater("Caller1", live);
            HttpResponse<String> reply = app.client(
                    "Caller1", "add", "[\"k\", 7]", Map.of("Idempotency-Key", "through-an-unrelated-server"));
            fix.join();
            assertThat(reply.body()).isEqualTo("{\"ok\":true,\"value\":7}");
            assertThat(app.inspector.dumpState()).containsEntry("Counter.counts[\"k\"]", "7");
        } finally {
            unrelated.stop(0);
        }
    }

    /** Routes {@code service} to {@code live} alone in 300 ms. */
    private Thread fixRouteLater(String service, URI live) {
        return Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            app.routes.set(service, List.of(live));
        });
    }
}
