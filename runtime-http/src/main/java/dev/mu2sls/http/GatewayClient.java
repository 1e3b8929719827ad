package dev.mu2sls.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.core.ClientContext;
import dev.mu2sls.core.Response;
import dev.mu2sls.json.JsonCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

/**
 * Generated clients over HTTP, for callers outside the application: each call is a
 * {@code POST /call/<Service>/<method>} to the gateway with a fresh {@code Idempotency-Key},
 * sent again with the same key when the connection fails or the gateway answers 5xx, so that
 * a call is applied once however often it is sent.
 *
 * <pre>{@code
 * CounterClient counter = new CounterClient(GatewayClient.of(URI.create("http://127.0.0.1:8080")));
 * long value = counter.add("k", 1);
 * }</pre>
 *
 * <h2>Errors</h2>
 * The handler's exception arrives as {@code ServiceCallException}; a request the gateway refuses
 * (4xx: bad arguments, unknown method) as {@link IllegalArgumentException} with its JSON problem;
 * a gateway still unreachable or failing after {@value #ATTEMPTS} attempts as
 * {@link IllegalStateException} (the request may or may not have been applied: send it again
 * with the key it names, through any HTTP client). Thread safe.
 */
public final class GatewayClient extends ClientContext {
    private static final int ATTEMPTS = 3;
    private final URI gateway;
    private final HttpClient http;

    private GatewayClient(URI gateway) {
        super(new JsonCodec());
        this.gateway = gateway;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** A client of the gateway at {@code gateway} ({@code http://host:port}). */
    public static GatewayClient of(URI gateway) {
        return new GatewayClient(gateway);
    }

    @Override
    protected Response send(String service, String method, byte[] arguments) {
        String key = UUID.randomUUID().toString();
        HttpRequest request = HttpRequest.newBuilder(gateway.resolve("/call/" + service + "/" + method))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(arguments))
                .build();
        String failure = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                HttpResponse<byte[]> reply = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (reply.statusCode() == 200) {
                    return Replies.parseResponse(reply.body());
                }
                String answer = "POST " + request.uri().getPath() + " answered " + reply.statusCode() + ": "
                        + new String(reply.body(), UTF_8);
                if (reply.statusCode() < 500) {
                    throw new IllegalArgumentException(answer);
                }
                failure = answer;
            } catch (IOException e) {
                failure = "POST " + request.uri() + " failed: " + e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(
                        "interrupted while calling " + service + "." + method + " with Idempotency-Key " + key, e);
            }
            LockSupport.parkNanos(Duration.ofMillis(100L << attempt).toNanos());
        }
        throw new IllegalStateException(
                failure + " (after " + ATTEMPTS + " attempts with Idempotency-Key " + key + ")",
                new UncheckedIOException(new IOException(failure)));
    }
}
