package dev.mu2sls.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates calls between the platform's processes: an HMAC-SHA256, under a secret shared by
 * the platform's processes, over the call's internal metadata (request id, transaction id,
 * service, method, accept flag, deadline, a timestamp) and the SHA-256 of its body.
 *
 * <p>Why: request ids and transaction ids are capabilities. Whoever can choose them can read
 * another client's recorded response (same id) or write into another request's transaction.
 * Only the gateway, which assigns ids, and functions, which derive them, hold the secret.
 *
 * <h2>Replay</h2>
 * A signature is valid for {@code maxSkew} either side of its timestamp. Replaying a captured call
 * within that window re-delivers the same request id with the same body and metadata, which the
 * engine deduplicates: it can return the recorded response but change nothing.
 *
 * <h2>Thread safety</h2>
 * Safe for concurrent use.
 */
public final class CallSigner {
    /** Environment variable holding the secret. */
    public static final String SECRET_ENV = "MU2SLS_SECRET";
    /** Environment variable naming a file (e.g. a mounted Kubernetes secret) holding the secret. */
    public static final String SECRET_FILE_ENV = "MU2SLS_SECRET_FILE";
    /** Default tolerated clock difference between signer and verifier. */
    public static final Duration DEFAULT_MAX_SKEW = Duration.ofMinutes(5);

    private static final int MIN_SECRET_BYTES = 16;

    private final Mac keyedMac;
    private final MessageDigest bodyDigest;
    private final InstantSource clock;
    private final long maxSkewMillis;

    private CallSigner(byte[] secret, InstantSource clock, Duration maxSkew) {
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException(
                    "the call-signing secret must have at least " + MIN_SECRET_BYTES + " bytes: got " + secret.length);
        }
        try {
            this.keyedMac = Mac.getInstance("HmacSHA256");
            keyedMac.init(new SecretKeySpec(secret.clone(), "HmacSHA256"));
            this.bodyDigest = MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 or SHA-256 is unavailable in this JDK", e);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxSkewMillis = maxSkew.toMillis();
    }

    public static CallSigner of(byte[] secret) {
        return new CallSigner(secret, InstantSource.system(), DEFAULT_MAX_SKEW);
    }

    public static CallSigner of(byte[] secret, InstantSource clock, Duration maxSkew) {
        return new CallSigner(secret, clock, maxSkew);
    }

    /**
     * The signer of this process: the secret from {@value #SECRET_ENV}, or from the file named by
     * {@value #SECRET_FILE_ENV}.
     *
     * @throws IllegalStateException if neither is set, naming both
     */
    public static CallSigner fromEnvironment(Map<String, String> environment) {
        String secret = environment.get(SECRET_ENV);
        if (secret == null && environment.get(SECRET_FILE_ENV) != null) {
            Path file = Path.of(environment.get(SECRET_FILE_ENV));
            try {
                secret = Files.readString(file, UTF_8).strip();
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot read the call-signing secret from " + file + " (" + SECRET_FILE_ENV + "): "
                                + e.getMessage(),
                        e);
            }
        }
        if (secret == null || secret.isEmpty()) {
            throw new IllegalStateException("no call-signing secret: set " + SECRET_ENV + " or mount a file and set "
                    + SECRET_FILE_ENV + " (the same secret in every process of the application)");
        }
        return of(secret.getBytes(UTF_8));
    }

    /** The internal headers of a call, signed now. */
    public Map<String, String> sign(CallMetadata metadata, byte[] body) {
        long timestamp = clock.millis();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(InternalHeaders.REQUEST_ID, metadata.requestId());
        if (metadata.transactionId() != null) {
            headers.put(InternalHeaders.TRANSACTION, metadata.transactionId());
        }
        if (metadata.accept()) {
            headers.put(InternalHeaders.ACCEPT, "true");
        }
        if (metadata.deadlineMillis() != 0) {
            headers.put(InternalHeaders.DEADLINE, Long.toString(metadata.deadlineMillis()));
        }
        headers.put(InternalHeaders.TIMESTAMP, Long.toString(timestamp));
        headers.put(InternalHeaders.SIGNATURE, mac(metadata, timestamp, body));
        return headers;
    }

    /**
     * Checks the internal metadata of a call to {@code service}.{@code method}.
     *
     * @return the metadata, or why it is rejected
     */
    public Verdict verify(String service, String method, HttpCall call) {
        String requestId = call.header(InternalHeaders.REQUEST_ID);
        String signature = call.header(InternalHeaders.SIGNATURE);
        String timestampText = call.header(InternalHeaders.TIMESTAMP);
        if (requestId == null || signature == null || timestampText == null) {
            return new Verdict.Rejected(
                    401,
                    "unsigned",
                    "calls to a function must carry the platform's signed "
                            + "metadata (" + InternalHeaders.REQUEST_ID + ", " + InternalHeaders.TIMESTAMP + ", "
                            + InternalHeaders.SIGNATURE + "); clients call through the gateway");
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(timestampText);
        } catch (NumberFormatException e) {
            return new Verdict.Rejected(
                    401,
                    "unsigned",
                    InternalHeaders.TIMESTAMP + " must be milliseconds since the epoch: got '" + timestampText + "'");
        }
        String deadlineText = call.header(InternalHeaders.DEADLINE);
        long deadline;
        try {
            deadline = deadlineText == null ? 0 : Long.parseLong(deadlineText);
        } catch (NumberFormatException e) {
            return new Verdict.Rejected(
                    403,
                    "bad-signature",
                    InternalHeaders.DEADLINE + " must be milliseconds since the epoch: the signature cannot match");
        }
        CallMetadata metadata = new CallMetadata(
                requestId,
                call.header(InternalHeaders.TRANSACTION),
                service,
                method,
                "true".equals(call.header(InternalHeaders.ACCEPT)),
                deadline);
        byte[] expected = mac(metadata, timestamp, call.body()).getBytes(UTF_8);
        if (!MessageDigest.isEqual(expected, signature.getBytes(UTF_8))) {
            return new Verdict.Rejected(
                    403,
                    "bad-signature",
                    "the signature does not match the call's metadata and body "
                            + "(forged or altered metadata, or a different secret)");
        }
        long skew = Math.abs(clock.millis() - timestamp);
        if (skew > maxSkewMillis) {
            return new Verdict.Rejected(
                    401,
                    "stale-signature",
                    "the call was signed " + skew + " ms from now, over the " + maxSkewMillis
                            + " ms allowed (a replayed call, or clocks out of sync)");
        }
        return new Verdict.Valid(metadata);
    }

    private String mac(CallMetadata metadata, long timestamp, byte[] body) {
        Mac hmac = copy(keyedMac);
        MessageDigest sha256 = copy(bodyDigest);
        String canonical = "mu2sls-v1\n" + metadata.requestId() + "\n"
                + (metadata.transactionId() == null ? "-" : "+" + metadata.transactionId()) + "\n"
                + metadata.service() + "\n" + metadata.method() + "\n" + metadata.accept() + "\n" + timestamp + "\n"
                + HexFormat.of().formatHex(sha256.digest(body))
                // appended only when set, so calls signed by a build without deadlines still verify
                + (metadata.deadlineMillis() == 0 ? "" : "\ndeadline " + metadata.deadlineMillis());
        return HexFormat.of().formatHex(hmac.doFinal(canonical.getBytes(UTF_8)));
    }

    /**
     * A fresh copy of a prototype: cloning an initialized {@link Mac} or digest skips the provider
     * lookup and key set-up that {@code getInstance} and {@code init} cost on every call.
     */
    @SuppressWarnings("unchecked")
    private static <T> T copy(Object prototype) {
        try {
            return (T) (prototype instanceof Mac mac ? mac.clone() : ((MessageDigest) prototype).clone());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("this JDK's HmacSHA256 or SHA-256 cannot be cloned", e);
        }
    }

    /**
     * The signed part of a call.
     *
     * @param requestId the request id
     * @param transactionId the transaction joined, or null
     * @param service the callee service
     * @param method the callee method
     * @param accept whether the callee accepts the request durably first (client requests)
     * @param deadlineMillis the caller's deadline on the store clock, which the call shares (0: none)
     */
    public record CallMetadata(
            String requestId,
            String transactionId,
            String service,
            String method,
            boolean accept,
            long deadlineMillis) {
        public CallMetadata {
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(method, "method");
        }

        /** Metadata without a deadline: a client request's, which gets its own on arrival. */
        public CallMetadata(String requestId, String transactionId, String service, String method, boolean accept) {
            this(requestId, transactionId, service, method, accept, 0);
        }
    }

    /** The outcome of {@link #verify}. */
    public sealed interface Verdict {
        record Valid(CallMetadata metadata) implements Verdict {}

        /** @param status 401 (unsigned, stale) or 403 (signature mismatch) */
        record Rejected(int status, String problem, String message) implements Verdict {}
    }
}
