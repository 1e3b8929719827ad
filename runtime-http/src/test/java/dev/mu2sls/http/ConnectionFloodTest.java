package dev.mu2sls.http;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 19 item 2: a flood of half-open connections (request headers begun, never finished) on
 * loopback, more than a server holds, does not knock it out: it keeps its bound, closes the
 * flood's connections by its read limit, and answers a fresh request afterwards. Bounded: at most
 * {@link #FLOOD} connections, each waited on for at most {@link #RECOVERY}.
 */
@Tag("slow")
class ConnectionFloodTest {
    private static final int FLOOD = HttpServerAdapter.MAX_CONNECTIONS + 300;
    /** Twice the read limit (the flood past the connection limit waits its turn), with room for timer ticks. */
    private static final Duration RECOVERY = Duration.ofSeconds(3L * HttpServerAdapter.REQUEST_READ_SECONDS);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdk", "jetty"})
    void halfOpenFlood_overTheConnectionLimit_serverClosesItAndAnswersAgain(String kind) throws Exception {
        Function<HttpCall, HttpReply> handler = call -> HttpReply.json(200, "{\"status\":\"UP\"}");
        HttpServerAdapter server = kind.equals("jdk")
                ? JdkServer.start("127.0.0.1", 0, 1024, handler)
                : JettyServer.start("127.0.0.1", 0, 1024, handler);
        List<Socket> flood = new ArrayList<>();
        try (HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
            for (int i = 0; i < FLOOD; i++) {
                Socket socket = new Socket();
                socket.connect(address, 2_000);
                socket.getOutputStream().write("POST /m HTTP/1.1\r\nHost: flood\r\nX-Slow: ".getBytes(US_ASCII));
                socket.setSoTimeout((int) RECOVERY.toMillis());
                flood.add(socket);
            }

            long deadline = System.nanoTime() + RECOVERY.toNanos();
            int status = -1;
            while (status != 200 && System.nanoTime() < deadline) {
                status = health(http, server.port());
                if (status != 200) {
                    Thread.sleep(500);
                }
            }
            assertThat(status)
                    .as("a fresh request is answered within " + RECOVERY + " of a flood of " + FLOOD)
                    .isEqualTo(200);
            int closedByServer = 0;
            for (Socket socket : flood) {
                if (closedByServer(socket)) {
                    closedByServer++;
                }
            }
            assertThat(closedByServer)
                    .as("half-open connections the server closed")
                    .isEqualTo(FLOOD);
        } finally {
            for (Socket socket : flood) {
                socket.close();
            }
            server.stop(0);
        }
    }

    @Test
    void jetty_handlerSlowerThanTheReadLimit_stillAnswers() throws Exception {
        long slowMillis = (HttpServerAdapter.REQUEST_READ_SECONDS + 2) * 1000L;
        HttpServerAdapter server = JettyServer.startNonBlocking(
                "127.0.0.1",
                0,
                1024,
                call -> CompletableFuture.supplyAsync(
                        () -> HttpReply.json(200, "{}"),
                        CompletableFuture.delayedExecutor(slowMillis, TimeUnit.MILLISECONDS)));
        try (HttpClient http = HttpClient.newHttpClient()) {
            assertThat(http.send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/x"))
                                            .POST(HttpRequest.BodyPublishers.ofString("[]"))
                                            .timeout(Duration.ofSeconds(30))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode())
                    .isEqualTo(200);
        } finally {
            server.stop(0);
        }
    }

    private static int health(HttpClient http, int port) throws InterruptedException {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Whether the server closed the connection (end of stream or reset, possibly after an error reply). */
    private static boolean closedByServer(Socket socket) {
        try (InputStream in = socket.getInputStream()) {
            while (in.read(new byte[4096]) >= 0) {
                // an error reply before the close is fine
            }
            return true;
        } catch (IOException e) {
            return !(e instanceof SocketTimeoutException);
        }
    }
}
