package dev.mu2sls.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The JDK's own HTTP server ({@code jdk.httpserver}) carrying a handler on virtual threads: no
 * dependencies, the fastest cold start of the two measured, the runtime's default. Its
 * {@code stop} waits for exchanges in flight up to the grace period (whole seconds).
 *
 * <p>Its limits are JVM-wide system properties, read once when the JDK's server is first used:
 * this class sets them to {@link HttpServerAdapter}'s bounds unless the command line did, so the
 * first server of a process must be one of these (the platform's processes run one server each).
 */
public final class JdkServer implements HttpServerAdapter {
    static {
        limit("jdk.httpserver.maxConnections", MAX_CONNECTIONS);
        limit("sun.net.httpserver.maxReqTime", REQUEST_READ_SECONDS);
        limit("sun.net.httpserver.maxReqHeaderSize", MAX_HEADER_BYTES);
        // how often idle and newly accepted connections are checked (default 10 s)
        limit("sun.net.httpserver.clockTick", 1_000);
    }

    private final HttpServer server;

    private static void limit(String property, int value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(value));
        }
    }

    private JdkServer(HttpServer server) {
        this.server = server;
    }

    public static JdkServer start(String host, int port, int maxBodyBytes, Function<HttpCall, HttpReply> handler) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 1024);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", exchange -> handle(exchange, maxBodyBytes, handler));
            server.start();
            return new JdkServer(server);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot start an HTTP server on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    private static void handle(HttpExchange exchange, int maxBodyBytes, Function<HttpCall, HttpReply> handler)
            throws IOException {
        try (exchange) {
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!values.isEmpty()) {
                    headers.put(name, values.getFirst());
                }
            });
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(maxBodyBytes + 1);
            }
            boolean tooLarge = body.length > maxBodyBytes;
            HttpReply reply = handler.apply(new HttpCall(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(),
                    headers,
                    tooLarge ? new byte[0] : body,
                    tooLarge));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            reply.headers()
                    .forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            exchange.sendResponseHeaders(reply.status(), reply.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
            }
        }
    }

    @Override
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void stop(long graceMillis) {
        server.stop((int) Math.ceil(graceMillis / 1000.0));
    }
}
