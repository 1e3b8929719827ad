package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.util.Arrays;
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
 * @param deadlineMillis the store-clock time after which no execution of this delivery may
 *     persist anything or send a call (a call inherits its caller's), or 0 for none yet: the
 *     engine then gives the execution its maximum age from its start (docs/guarantees.md, A6)
 * @param version the application version whose code runs the request, or null when undeclared or
 *     not known: an engine stamps its own ({@link Engine.Builder#applicationVersion}) on what it
 *     runs, and it is stored with the request's acceptance record and timers, so that a platform
 *     keeping several versions alive re-drives the request to the version that ran it
 */
public record Invocation(
        String requestId,
        String service,
        String method,
        byte[] arguments,
        int attempt,
        String transactionId,
        long deadlineMillis,
        String version) {
    public Invocation {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(arguments, "arguments");
        if (deadlineMillis < 0) {
            throw new IllegalArgumentException(
                    "deadline must be 0 (none) or a time in milliseconds: " + deadlineMillis);
        }
    }

    /** A delivery of no declared version. */
    public Invocation(
            String requestId,
            String service,
            String method,
            byte[] arguments,
            int attempt,
            String transactionId,
            long deadlineMillis) {
        this(requestId, service, method, arguments, attempt, transactionId, deadlineMillis, null);
    }

    /** A delivery with no deadline of its own yet. */
    public Invocation(
            String requestId, String service, String method, byte[] arguments, int attempt, String transactionId) {
        this(requestId, service, method, arguments, attempt, transactionId, 0);
    }

    /** A client request: no transaction, no deadline of its own yet. */
    public Invocation(String requestId, String service, String method, byte[] arguments, int attempt) {
        this(requestId, service, method, arguments, attempt, null, 0);
    }

    /** The same request, delivered again as attempt {@code attempt}. */
    public Invocation withAttempt(int attempt) {
        return new Invocation(requestId, service, method, arguments, attempt, transactionId, deadlineMillis, version);
    }

    /** The same delivery with a deadline (store-clock milliseconds; 0 for none). */
    public Invocation withDeadline(long deadlineMillis) {
        return new Invocation(requestId, service, method, arguments, attempt, transactionId, deadlineMillis, version);
    }

    /** The same delivery, run by {@code version}'s code (null: undeclared). */
    public Invocation withVersion(String version) {
        return Objects.equals(version, this.version)
                ? this
                : new Invocation(
                        requestId, service, method, arguments, attempt, transactionId, deadlineMillis, version);
    }

    /**
     * Binary form, for the accepted-request record that recovery re-drives. Format 1:
     * {@code V1} then request id, service, method and arguments, each {@code length:int bytes}, then
     * the version the same way when there is one (a trailing field: readers that do not know it
     * stop before it, and a record without it reads as undeclared); format 0 is the same without
     * the marker. Attempt, transaction and deadline are per delivery.
     */
    byte[] encode() {
        byte[][] parts = version == null
                ? new byte[][] {requestId.getBytes(UTF_8), service.getBytes(UTF_8), method.getBytes(UTF_8), arguments}
                : new byte[][] {
                    requestId.getBytes(UTF_8),
                    service.getBytes(UTF_8),
                    method.getBytes(UTF_8),
                    arguments,
                    version.getBytes(UTF_8)
                };
        int size = 1;
        for (byte[] part : parts) {
            size += 4 + part.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).put(StoredFormat.V1);
        for (byte[] part : parts) {
            out.putInt(part.length).put(part);
        }
        return out.array();
    }

    static Invocation decode(byte[] key, byte[] bytes) {
        return StoredFormat.decode("accepted request", key, bytes, Invocation::decodeBytes);
    }

    private static Invocation decodeBytes(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (StoredFormat.isV1(bytes)) {
            in.get();
        }
        byte[][] parts = new byte[4][];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = new byte[in.getInt()];
            in.get(parts[i]);
        }
        String version = null;
        if (in.hasRemaining()) {
            byte[] declared = new byte[in.getInt()];
            in.get(declared);
            version = new String(declared, UTF_8);
        }
        return new Invocation(
                new String(parts[0], UTF_8),
                new String(parts[1], UTF_8),
                new String(parts[2], UTF_8),
                parts[3],
                0,
                null,
                0,
                version);
    }

    /** Equal when every component is, the arguments by content. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Invocation that
                && attempt == that.attempt
                && deadlineMillis == that.deadlineMillis
                && requestId.equals(that.requestId)
                && service.equals(that.service)
                && method.equals(that.method)
                && Arrays.equals(arguments, that.arguments)
                && Objects.equals(transactionId, that.transactionId)
                && Objects.equals(version, that.version);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                requestId,
                service,
                method,
                Arrays.hashCode(arguments),
                attempt,
                transactionId,
                deadlineMillis,
                version);
    }

    @Override
    public String toString() {
        return "Invocation[" + requestId + " " + service + "." + method + " attempt " + attempt
                + (transactionId == null ? "" : " in transaction " + transactionId)
                + (version == null ? "" : " on version " + version) + "]";
    }
}
