package dev.mu2sls.core;

import dev.mu2sls.InvalidRequestException;
import dev.mu2sls.InvalidRequestException.Reason;

/**
 * The decisions a persisting execution makes from its request's record (G1) and its deadline
 * (A6). Pure: the caller reads the record, in the store transaction that persists.
 */
final class Fence {
    private Fence() {}

    /** Whether an execution with {@code deadlineMillis} may no longer act at store-clock time {@code nowMillis}. */
    static boolean expired(long nowMillis, long deadlineMillis) {
        return nowMillis >= deadlineMillis;
    }

    /**
     * Why an execution that persisted {@code base} steps, identified by {@code token}, may not
     * persist given its request's {@code record} (null: none yet), or null if it may: a completed
     * request fences it, a longer journal means another execution got further.
     *
     * @throws InvalidRequestException if the record belongs to another request with the same id
     */
    static <T> SegmentResult<T> refusal(
            RequestRecord record, Invocation invocation, byte[] digest, long token, int base) {
        if (record != null && !record.isFor(digest)) {
            throw reusedId(invocation);
        }
        if (record instanceof RequestRecord.Completed completed) {
            return completed.completedBy() == token
                    ? new SegmentResult.AlreadyCompleted<>()
                    : new SegmentResult.Fenced<>(completed.response());
        }
        int persisted = record == null ? 0 : ((RequestRecord.Running) record).journalLength();
        return persisted == base ? null : new SegmentResult.Diverged<>();
    }

    static InvalidRequestException reusedId(Invocation invocation) {
        return new InvalidRequestException(
                Reason.IDEMPOTENCY_KEY_REUSED,
                invocation.service(),
                invocation.method(),
                "request id '" + invocation.requestId() + "' was already used for another request (another service, "
                        + "method or arguments); a retry must send the same request, and a new request needs a new id");
    }
}
