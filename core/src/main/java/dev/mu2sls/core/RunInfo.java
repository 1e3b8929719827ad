package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;

/**
 * How a request ran, as its record under {@code R<id>} keeps it beside the fence: its service and
 * method, when it started and how many deliveries persisted part of it. Every segment commit
 * rewrites the record anyway, so keeping this costs no store access (docs/architecture.md,
 * "Stored formats").
 *
 * <p>Stored as a trailer after the format-1 fields: {@code startedAt:long deliveries:int
 * service method} (strings as {@code length:int utf8}). Builds that predate it stop reading
 * before the trailer, so they decode these records unchanged.
 *
 * @param startedAtMillis the store-clock time at which the first delivery that persisted part of
 *     the request began (a delivery that crashed before its first commit left no trace, so an
 *     earlier one may have begun before), or {@link #UNKNOWN_START} for a request that ended
 *     before any delivery persisted (quarantined by the platform)
 * @param deliveries how many deliveries persisted part of the request: each counts itself in its
 *     first committed write of the record. A delivery that crashed before its first commit, or
 *     was answered from the record, is not counted: at least this many ran it.
 */
record RunInfo(String service, String method, long startedAtMillis, int deliveries) {
    /** The start of a request no delivery persisted anything of. */
    static final long UNKNOWN_START = Long.MIN_VALUE;

    /** The same run, counted once more: a delivery's first write of a record another one wrote. */
    RunInfo countingOneMore() {
        return new RunInfo(service, method, startedAtMillis, deliveries + 1);
    }

    /** The trailer's bytes. */
    byte[] toBytes() {
        byte[] serviceBytes = service.getBytes(UTF_8);
        byte[] methodBytes = method.getBytes(UTF_8);
        return ByteBuffer.allocate(8 + 4 + 4 + serviceBytes.length + 4 + methodBytes.length)
                .putLong(startedAtMillis)
                .putInt(deliveries)
                .putInt(serviceBytes.length)
                .put(serviceBytes)
                .putInt(methodBytes.length)
                .put(methodBytes)
                .array();
    }

    /** The trailer at {@code in}'s position, or null when the record ends there (written before trailers). */
    static RunInfo readFrom(ByteBuffer in) {
        if (!in.hasRemaining()) {
            return null;
        }
        long startedAt = in.getLong();
        int deliveries = in.getInt();
        return new RunInfo(readString(in), readString(in), startedAt, deliveries);
    }

    private static String readString(ByteBuffer in) {
        byte[] bytes = new byte[in.getInt()];
        in.get(bytes);
        return new String(bytes, UTF_8);
    }
}
