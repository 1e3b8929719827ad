package dev.mu2sls.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty 12 (core API, no servlets) carrying a handler, each request on its own virtual thread;
 * stops gracefully (requests in flight finish). The alternative to {@link JdkServer}, chosen with
 * {@code MU2SLS_HTTP_SERVER=jetty}; the measurement is in docs/architecture.md.
 */
public final class JettyServer implements HttpServerAdapter {
    private final Server server;
    private final int port;

    private JettyServer(Server server, int port) {
        this.server = server;
        this.port = port;
    }

    /** Starts a server on {@code host}:{@code port} (0 = any free port). */
    public static JettyServer start(String host, int port, int maxBodyBytes, Function<HttpCall, HttpReply> handler) {
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("mu2sls-jetty");
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        Server server = new Server(threads);
        HttpConfiguration configuration = new HttpConfiguration();
        configuration.setSendServerVersion(false);
        configuration.setSendDateHeader(false);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(configuration));
        connector.setHost(host);
        connector.setPort(port);
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);
        GracefulHandler graceful = new GracefulHandler();
        graceful.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws IOException {
                Map<String, String> headers = new HashMap<>();
                for (HttpField field : request.getHeaders()) {
                    headers.putIfAbsent(field.getName(), field.getValue());
                }
                byte[] body;
                try (InputStream in = Content.Source.asInputStream(request)) {
                    body = in.readNBytes(maxBodyBytes + 1);
                }
                boolean tooLarge = body.length > maxBodyBytes;
                HttpReply reply = handler.apply(new HttpCall(request.getMethod(), Request.getPathInContext(request), headers,
                        tooLarge ? new byte[0] : body, tooLarge));
                response.setStatus(reply.status());
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                reply.headers().forEach((name, value) -> response.getHeaders().put(name, value));
                if (tooLarge) {
                    response.getHeaders().put(HttpHeader.CONNECTION, "close");
                }
                response.write(true, ByteBuffer.wrap(reply.body()), callback);
                return true;
            }
        });
        server.setHandler(graceful);
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start an HTTP server on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return new JettyServer(server, connector.getLocalPort());
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
