package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The per-request record under {@code R<id>}: running with the number of journaled steps (the
 * fence every persisting transaction checks), or ended with its response: completed, or
 * quarantined by the engine with a report (a request that cannot replay, say).
 *
 * <p>Both carry the request's digest (service, method and arguments), so that an id reused for
 * another request is refused instead of answered with the first one's response.
 *
 * <p>Format 1: {@code V1 kind digest[16]} then {@code journalLength:int} (running) or
 * {@code at:long completedBy:long response} (completed, quarantined), then an optional trailer:
 * the {@link RunInfo} (how the request ran), and for a running record {@code persistedAt:long}
 * after it. Records written before the trailer end without it; builds that predate it stop
 * reading before it, so they decode records that have one. Format 0, written before formats
 * were versioned, had no marker, digest or {@code completedBy}: {@code kind} then the rest.
 */
sealed interface RequestRecord {
    byte RUNNING = 1;
    byte COMPLETED = 2;
    byte QUARANTINED = 3;
    int DIGEST_BYTES = 16;

    /** The digest of the request this record belongs to; null in records of format 0. */
    byte[] digest();

    /** Whether this record belongs to the request with {@code requestDigest} (format 0: assumed). */
    default boolean isFor(byte[] requestDigest) {
        return digest() == null || Arrays.equals(digest(), requestDigest);
    }

    /** How the request ran; null in records written before run infos were kept. */
    RunInfo run();

    /**
     * @param persistedAtMillis the store-clock time of the commit that wrote it (its last progress),
     *     or 0 when {@code run} is null
     */
    record Running(byte[] digest, int journalLength, RunInfo run, long persistedAtMillis) implements RequestRecord {}

    /**
     * @param completedBy the token of the execution that recorded it (0 in format 0): an execution
     *     that finds its own token knows its commit landed though its reply was lost
     * @param quarantined ended by the engine, not by the handler: the response is the report
     */
    record Completed(
            byte[] digest,
            long completedAtMillis,
            long completedBy,
            boolean quarantined,
            Response response,
            RunInfo run)
            implements RequestRecord {}

    static RequestRecord decode(byte[] key, byte[] bytes) {
        return bytes == null ? null : StoredFormat.decode("request record", key, bytes, RequestRecord::decodeBytes);
    }

    private static RequestRecord decodeBytes(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (!StoredFormat.isV1(bytes)) {
            byte kind = in.get();
            return switch (kind) {
                case RUNNING -> new Running(null, in.getInt(), null, 0);
                case COMPLETED -> new Completed(null, in.getLong(), 0, false, Response.readFrom(in), null);
                default -> throw new IllegalArgumentException("unknown request record kind " + kind + " in format 0");
            };
        }
        in.get();
        byte kind = in.get();
        byte[] digest = new byte[DIGEST_BYTES];
        in.get(digest);
        return switch (kind) {
            case RUNNING -> {
                int journalLength = in.getInt();
                RunInfo run = RunInfo.readFrom(in);
                yield new Running(digest, journalLength, run, run == null ? 0 : in.getLong());
            }
            case COMPLETED, QUARANTINED -> {
                long at = in.getLong();
                long completedBy = in.getLong();
                Response response = Response.readFrom(in);
                yield new Completed(digest, at, completedBy, kind == QUARANTINED, response, RunInfo.readFrom(in));
            }
            default -> throw new IllegalArgumentException("unknown request record kind " + kind);
        };
    }

    /** A running record; without {@code run} (null) as written before run infos were kept. */
    static byte[] running(byte[] digest, int journalLength, RunInfo run, long persistedAtMillis) {
        byte[] trailer = run == null ? null : run.toBytes();
        ByteBuffer out = ByteBuffer.allocate(2 + DIGEST_BYTES + 4 + (trailer == null ? 0 : trailer.length + 8))
                .put(StoredFormat.V1)
                .put(RUNNING)
                .put(digest)
                .putInt(journalLength);
        if (trailer != null) {
            out.put(trailer).putLong(persistedAtMillis);
        }
        return out.array();
    }

    /** A completed or quarantined record; without {@code run} (null) as written before run infos were kept. */
    static byte[] completed(
            byte[] digest,
            long completedAtMillis,
            long completedBy,
            boolean quarantined,
            Response response,
            RunInfo run) {
        byte[] trailer = run == null ? new byte[0] : run.toBytes();
        ByteBuffer out = ByteBuffer.allocate(2 + DIGEST_BYTES + 16 + response.encodedLength() + trailer.length);
        out.put(StoredFormat.V1)
                .put(quarantined ? QUARANTINED : COMPLETED)
                .put(digest)
                .putLong(completedAtMillis)
                .putLong(completedBy);
        response.writeTo(out);
        return out.put(trailer).array();
    }

    /** The digest of a request: SHA-256 of service, method and arguments, cut to 16 bytes. */
    static byte[] digestOf(Invocation invocation) {
        MessageDigest sha = Sha256.fresh();
        sha.update(invocation.service().getBytes(UTF_8));
        sha.update((byte) 0);
        sha.update(invocation.method().getBytes(UTF_8));
        sha.update((byte) 0);
        sha.update(invocation.arguments());
        return Arrays.copyOf(sha.digest(), DIGEST_BYTES);
    }

    /**
     * SHA-256 digesters cloned from one prototype: {@code MessageDigest.getInstance} looks the
     * algorithm up among the security providers on every call, which cost every delivery more
     * than the digest itself (W1 in-process).
     */
    final class Sha256 {
        private static final MessageDigest PROTOTYPE;

        static {
            try {
                PROTOTYPE = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private Sha256() {}

        static MessageDigest fresh() {
            try {
                return (MessageDigest) PROTOTYPE.clone();
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("the SHA-256 provider's digests cannot be cloned", e);
            }
        }
    }
}
