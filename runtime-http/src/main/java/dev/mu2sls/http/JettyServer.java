package dev.mu2sls.http;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty 12 (core API, no servlets) carrying a handler: a blocking one (a function's) on a virtual
 * thread per request, or a non-blocking one (the gateway's) on the selector thread itself. Stops
 * gracefully (requests in flight finish). For functions it is the alternative to
 * {@link JdkServer}, chosen with {@code MU2SLS_HTTP_SERVER=jetty}; the measurement is in
 * docs/architecture.md.
 */
public final class JettyServer implements HttpServerAdapter {
    private final Server server;
    private final int port;

    private JettyServer(Server server, int port) {
        this.server = server;
        this.port = port;
    }

    /**
     * Starts a server on {@code host}:{@code port} (0 = any free port) that runs {@code handler},
     * which may block, on a virtual thread per request. The selector thread reads the request
     * and starts the virtual thread itself: one hand-off per request. (Jetty's own way, a blocking
     * handler, counts the whole server as blocking, and each request then hands the selector over
     * to another pool thread as well.)
     */
    public static JettyServer start(String host, int port, int maxBodyBytes, Function<HttpCall, HttpReply> handler) {
        Executor virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
        return startNonBlocking(
                host,
                port,
                maxBodyBytes,
                call -> CompletableFuture.supplyAsync(() -> handler.apply(call), virtualThreads));
    }

    /**
     * Starts a server on {@code host}:{@code port} (0 = any free port) whose {@code handler} never
     * blocks: it returns at once with a stage that completes with the reply. No thread waits for a
     * request: its body is read as it arrives, and the reply is written from the thread that
     * completes the stage (the gateway's: the HTTP client's thread that received the function's
     * answer). A handler that throws, or a stage that fails, answers 500.
     */
    public static JettyServer startNonBlocking(
            String host, int port, int maxBodyBytes, Function<HttpCall, CompletionStage<HttpReply>> handler) {
        return start(host, port, new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                // The idle timeout bounds reading the request; once it is read, the handler may
                // take longer (the gateway waits for a function up to its deadline).
                AtomicBoolean read = new AtomicBoolean();
                request.addIdleTimeoutListener(timeout -> !read.get());
                new BodyReader(
                                request,
                                maxBodyBytes,
                                (body, tooLarge) -> {
                                    read.set(true);
                                    CompletionStage<HttpReply> reply;
                                    try {
                                        reply = handler.apply(call(request, body, tooLarge));
                                    } catch (RuntimeException e) {
                                        reply = CompletableFuture.failedFuture(e);
                                    }
                                    reply.whenComplete((answer, failure) -> send(
                                            failure == null
                                                    ? answer
                                                    : Replies.error(
                                                            500,
                                                            "internal-error",
                                                            "the request failed unexpectedly: " + failure),
                                            tooLarge,
                                            response,
                                            callback));
                                },
                                callback::failed)
                        .run();
                return true;
            }
        });
    }

    private static JettyServer start(String host, int port, Handler handler) {
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("mu2sls-jetty");
        Server server = new Server(threads);
        HttpConfiguration configuration = new HttpConfiguration();
        configuration.setSendServerVersion(false);
        configuration.setSendDateHeader(false);
        configuration.setRequestHeaderSize(MAX_HEADER_BYTES);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(configuration));
        connector.setHost(host);
        connector.setPort(port);
        connector.setAcceptQueueSize(1024);
        connector.setIdleTimeout(TimeUnit.SECONDS.toMillis(REQUEST_READ_SECONDS));
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
        server.setErrorHandler(new JsonErrorHandler());
        GracefulHandler graceful = new GracefulHandler();
        graceful.setHandler(handler);
        server.setHandler(graceful);
        // Handlers fixed before start let the server take on the handler's invocation type: a
        // non-blocking one is run by the selector thread itself, with no hand-off to the pool.
        graceful.setDynamic(false);
        server.setDynamic(false);
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot start an HTTP server on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return new JettyServer(server, connector.getLocalPort());
    }

    private static HttpCall call(Request request, byte[] body, boolean tooLarge) {
        Map<String, String> headers = new HashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.putIfAbsent(field.getName(), field.getValue());
        }
        return new HttpCall(request.getMethod(), Request.getPathInContext(request), headers, body, tooLarge);
    }

    private static void send(HttpReply reply, boolean closeConnection, Response response, Callback callback) {
        response.setStatus(reply.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        reply.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        if (closeConnection) {
            // the rest of an oversized body is not read: the connection cannot carry another request
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        response.write(true, ByteBuffer.wrap(reply.body()), callback);
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void stop(long graceMillis) {
        server.setStopTimeout(graceMillis);
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the HTTP server: " + e.getMessage(), e);
        }
    }
}
