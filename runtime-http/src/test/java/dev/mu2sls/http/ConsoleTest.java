package dev.mu2sls.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Issue 16 item 5: the console's JSON, pages and exposure rules on a real gateway, without a browser. */
class ConsoleTest {
    private static ConsoleApp console;

    @BeforeAll
    static void start() {
        console = new ConsoleApp();
        console.sendRequests();
    }

    @AfterAll
    static void stop() {
        console.close();
    }

    private static HttpResponse<String> get(String path) {
        return console.app.get(console.console(path));
    }

    @Test
    void page_servedFromTheJar_withAContentSecurityPolicy() {
        HttpResponse<String> page = get("");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(csp -> assertThat(csp).startsWith("default-src 'self'"));
        assertThat(page.body()).contains("<script src=\"/console/console.js\" defer></script>", "id=\"requests\"");
        assertThat(get("/console.js").body()).contains("textContent");
        assertThat(get("/console.js").headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
    }

    @Test
    void requests_listsAndOneRequest_fromTheStore() {
        JsonNode all = LocalFunctions.json(get("/api/requests/all"));
        assertThat(all.findValuesAsText("id"))
                .contains(ConsoleApp.chain(0), ConsoleApp.BOOKING, ConsoleApp.FAILED, "Hotel.open:h")
                .noneMatch(id -> id.contains("/"));
        JsonNode failed = LocalFunctions.json(get("/api/requests/failed"));
        assertThat(failed.findValuesAsText("id")).containsExactly(ConsoleApp.FAILED);
        assertThat(failed.at("/0/errorType").asText()).isEqualTo("java.lang.IllegalArgumentException");
        assertThat(LocalFunctions.json(get("/api/requests/open"))).isEmpty();

        JsonNode booking = LocalFunctions.json(get("/api/request/" + ConsoleApp.encode(ConsoleApp.BOOKING)));
        assertThat(booking.at("/request/status").asText()).isEqualTo("COMPLETED");
        assertThat(booking.at("/calls").findValuesAsText("id"))
                .contains(ConsoleApp.BOOKING + "/1", ConsoleApp.BOOKING + "/2");
        // Issue 16: when it started and ended, how long it took and its deliveries, for it and each call
        assertThat(Instant.parse(booking.at("/request/startedAt").asText()))
                .isBeforeOrEqualTo(Instant.parse(booking.at("/request/endedAt").asText()));
        assertThat(booking.at("/request/elapsedMillis").isIntegralNumber()).isTrue();
        assertThat(booking.at("/request/deliveries").asInt()).isEqualTo(1);
        JsonNode hotel = booking.at("/calls/0");
        assertThat(hotel.get("id").asText()).isEqualTo(ConsoleApp.BOOKING + "/1");
        assertThat(hotel.get("service").asText() + "." + hotel.get("method").asText())
                .as("a completed request's call: its own record names its method")
                .isEqualTo("Hotel.reserve");
        assertThat(hotel.get("deliveries").asInt()).isEqualTo(1);
        assertThat(Instant.parse(hotel.get("startedAt").asText()))
                .isAfterOrEqualTo(Instant.parse(booking.at("/request/startedAt").asText()));
        assertThat(all.findValues("deliveries")).as("one per request listed").hasSize(all.size());
        assertThat(booking.at("/transactions/0/state").asText()).isEqualTo("committed");
        assertThat(LocalFunctions.json(get("/api/transactions"))).isEmpty();
    }

    @Test
    void metrics_gatewayRequestsAndEngineCountersOfEveryProcess() {
        JsonNode metrics = LocalFunctions.json(get("/api/metrics"));

        assertThat(metrics.at("/processes").asInt())
                .as("the gateway and 11 functions")
                .isEqualTo(12);
        assertThat(metrics.at("/unreachable").asInt()).isZero();
        assertThat(metrics.at("/gateway/requests").asDouble()).isEqualTo(ConsoleApp.CLIENT_REQUESTS);
        assertThat(metrics.at("/gateway/buckets")
                        .get(metrics.at("/gateway/buckets").size() - 1)
                        .get(1)
                        .asDouble())
                .isEqualTo(ConsoleApp.CLIENT_REQUESTS);
        assertThat(metrics.at("/engine/tx_commits").asDouble())
                .as("the booking's, counted in Frontend's process")
                .isEqualTo(1.0);
    }

    @Test
    void badInput_problemReplies() {
        assertThat(get("/api/request/" + ConsoleApp.encode("Caller1.add:nosuch"))
                        .statusCode())
                .isEqualTo(404);
        assertThat(LocalFunctions.json(get("/api/request/not*base64"))
                        .get("problem")
                        .asText())
                .isEqualTo("bad-request-id");
        assertThat(LocalFunctions.json(get("/api/requests/everything"))
                        .get("problem")
                        .asText())
                .isEqualTo("unknown-list");
        assertThat(get("/api/nothing").statusCode()).isEqualTo(404);
        HttpResponse<String> post = console.app.send(HttpRequest.newBuilder(console.console("/api/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void anotherHostName_refused_againstDnsRebinding() throws Exception {
        String reply = rawGet("/console/api/requests/all", "evil.example:" + console.app.gateway.getPort());
        assertThat(reply)
                .startsWith("HTTP/1.1 403")
                .contains("console-loopback-only")
                .doesNotContain(ConsoleApp.chain(0));
        assertThat(rawGet("/console/api/requests/all", "localhost:" + console.app.gateway.getPort()))
                .startsWith("HTTP/1.1 200");
    }

    @Test
    void exposure_loopbackByDefault_openGatewayOnlyWhenAsked() {
        assertThat(Console.exposure(Map.of(), "127.0.0.1")).isEqualTo(Console.Exposure.LOOPBACK);
        assertThat(Console.exposure(Map.of(), "0.0.0.0")).isEqualTo(Console.Exposure.OFF);
        assertThat(Console.exposure(Map.of(Console.CONSOLE_ENV, "on"), "0.0.0.0"))
                .isEqualTo(Console.Exposure.OPEN);
        assertThat(Console.exposure(Map.of(Console.CONSOLE_ENV, "off"), "127.0.0.1"))
                .isEqualTo(Console.Exposure.OFF);
    }

    /** A GET with the given Host header (which java.net.http will not set), over a plain socket. */
    private static String rawGet(String path, String host) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", console.app.gateway.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), UTF_8);
        }
    }
}
