package dev.mu2sls.http;

import java.util.Locale;

/**
 * The HTTP headers that carry a call's internal metadata between the platform's processes. They
 * are the platform's, never a client's: the gateway drops every header with this prefix from
 * client requests, and a function accepts them only with a valid signature ({@link CallSigner}).
 */
public final class InternalHeaders {
    /** Prefix of every internal header (compared case-insensitively). */
    public static final String PREFIX = "mu2sls-";
    /** The request id: a client's idempotency key, or {@code parent/step} for a call. */
    public static final String REQUEST_ID = "Mu2sls-Request-Id";
    /** The transaction the call joins; absent outside a transaction. */
    public static final String TRANSACTION = "Mu2sls-Transaction";
    /** {@code true} when the callee must accept the request durably before running it (client requests). */
    public static final String ACCEPT = "Mu2sls-Accept";
    /** The delivery counter, for logs; not signed, not trusted. */
    public static final String ATTEMPT = "Mu2sls-Attempt";
    /**
     * The store-clock time (epoch milliseconds) after which the callee's executions act no more:
     * the caller's deadline, which its calls share (A6). Absent for none.
     */
    public static final String DEADLINE = "Mu2sls-Deadline";
    /** Milliseconds since the epoch when the caller signed the call. */
    public static final String TIMESTAMP = "Mu2sls-Timestamp";
    /** Hex HMAC-SHA256 over the metadata and a hash of the body. */
    public static final String SIGNATURE = "Mu2sls-Signature";
    /** The one request header clients may set: their idempotency key. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private InternalHeaders() {}

    /** Whether {@code name} is an internal header, which clients may not send. */
    public static boolean isInternal(String name) {
        return name.toLowerCase(Locale.ROOT).startsWith(PREFIX);
    }
}
