package dev.mu2sls.http;

import java.util.function.Function;

/**
 * A server that carries a function's handler ({@link FunctionHandler#handle}) on virtual threads.
 * Two exist: {@link JdkServer}, the default (measured against Jetty it starts
 * 1 to 3 s sooner in a fresh JVM and serves as many requests per second on this 2-core machine,
 * with no dependency; see docs/architecture.md), and {@link JettyServer}, chosen with
 * {@code MU2SLS_HTTP_SERVER=jetty}. The gateway, whose handler does not block, is always served by
 * {@link JettyServer#startNonBlocking}.
 */
public interface HttpServerAdapter extends AutoCloseable {
    /**
     * Connections a server holds at most; past it new ones are refused (the JDK's) or not accepted
     * (Jetty's) until others close, so a flood of connections cannot exhaust memory or descriptors.
     */
    int MAX_CONNECTIONS = 512;
    /**
     * Seconds a connection may take to deliver a whole request (the JDK's server), or stay silent
     * while sending one or between requests (Jetty's idle timeout): a half-open or idle connection
     * is closed by then and frees its place. A request already read may take longer to answer.
     */
    int REQUEST_READ_SECONDS = 10;
    /** Largest request line and headers, in bytes (the signed internal headers take well under 1 KiB). */
    int MAX_HEADER_BYTES = 16 * 1024;

    /** The port it listens on. */
    int port();

    /** Stops accepting, lets requests in flight finish for up to {@code graceMillis}, stops. */
    void stop(long graceMillis);

    @Override
    default void close() {
        stop(0);
    }

    /** Environment variable choosing the server: {@code jdk} (default) or {@code jetty}. */
    String SERVER_ENV = "MU2SLS_HTTP_SERVER";

    /**
     * Starts the server named by {@value #SERVER_ENV} (default the JDK's) on {@code host}:{@code port}
     * (0 = any free port).
     */
    static HttpServerAdapter start(String host, int port, int maxBodyBytes, Function<HttpCall, HttpReply> handler) {
        String kind = System.getenv().getOrDefault(SERVER_ENV, "jdk");
        return switch (kind) {
            case "jdk" -> JdkServer.start(host, port, maxBodyBytes, handler);
            case "jetty" -> JettyServer.start(host, port, maxBodyBytes, handler);
            default -> throw new IllegalArgumentException(SERVER_ENV + " must be jdk or jetty: got '" + kind + "'");
        };
    }
}
