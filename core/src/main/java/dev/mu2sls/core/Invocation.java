package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One delivery of a request to a service: what a platform hands the engine.
 *
 * @param requestId the client's idempotency key, or {@code parent/step} for a call made by
 *     another request; every delivery of the same request carries the same id
 * @param service routing name of the target service
 * @param method target method
 * @param arguments JSON array of the arguments
 * @param attempt the platform's delivery counter for this request, for fault plans and logs
 * @param transactionId the transaction the request joins (made by a caller inside one), or null;
 *     internal metadata that clients never set
 */
public record Invocation(String requestId, String service, String method, byte[] arguments, int attempt,
                         String transactionId) {
    public Invocation {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(arguments, "arguments");
    }

    /** A client request: no transaction. */
    public Invocation(String requestId, String service, String method, byte[] arguments, int attempt) {
        this(requestId, service, method, arguments, attempt, null);
    }

    /** The same request, delivered again as attempt {@code attempt}. */
    public Invocation withAttempt(int attempt) {
        return new Invocation(requestId, service, method, arguments, attempt, transactionId);
    }

    /** Binary form, for the accepted-request record that recovery re-drives. */
    byte[] encode() {
        byte[][] parts = {requestId.getBytes(UTF_8), service.getBytes(UTF_8), method.getBytes(UTF_8), arguments};
        int size = 0;
        for (byte[] part : parts) {
            size += 4 + part.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (byte[] part : parts) {
            out.putInt(part.length).put(part);
        }
        return out.array();
    }

    static Invocation decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte[][] parts = new byte[4][];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = new byte[in.getInt()];
            in.get(parts[i]);
        }
        return new Invocation(new String(parts[0], UTF_8), new String(parts[1], UTF_8), new String(parts[2], UTF_8), parts[3], 0);
    }

    @Override
    public String toString() {
        return "Invocation[" + requestId + " " + service + "." + method + " attempt " + attempt
                + (transactionId == null ? "" : " in transaction " + transactionId) + "]";
    }
}
