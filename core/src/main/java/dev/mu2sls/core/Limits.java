package dev.mu2sls.core;

import dev.mu2sls.InvalidRequestException;
import dev.mu2sls.InvalidRequestException.Reason;

/**
 * The sizes every store accepts, checked before anything is written, so that no request can
 * carry a key a store refuses. The tightest store is PostgreSQL: a key is a B-tree index entry,
 * which must fit a third of an 8 KiB page (about 2,700 bytes); other keys embed request ids and
 * state keys (a transaction's provisional write is {@code P <tx id> 0 W <state key>}), so each is
 * held well under that.
 */
public final class Limits {
    /** Longest encoded state key (service, state name and the key itself), in bytes. */
    public static final int MAX_STATE_KEY_BYTES = 1024;
    /** Longest client request id (the gateway's {@code <Service>.<method>:<key>}), in characters. */
    public static final int MAX_CLIENT_REQUEST_ID_LENGTH = 256;
    /** Longest request id of any kind, a derived call id {@code parent/step/...} included, in characters. */
    public static final int MAX_REQUEST_ID_LENGTH = 1024;

    private Limits() {}

    /**
     * Refuses a state write a store could not take.
     *
     * @param maxValueBytes the engine's payload limit: no value is larger than a request may be
     * @throws InvalidRequestException {@link Reason#STATE_LIMIT_EXCEEDED}, naming the state and the limit
     */
    static void checkStateWrite(String service, String stateName, byte[] key, byte[] value, int maxValueBytes) {
        if (key.length > MAX_STATE_KEY_BYTES) {
            throw new InvalidRequestException(
                    Reason.STATE_LIMIT_EXCEEDED,
                    service,
                    null,
                    null,
                    "a key of " + service + "."
                            + stateName + " is " + key.length + " bytes encoded, over the limit of "
                            + MAX_STATE_KEY_BYTES
                            + " bytes that every store accepts; use shorter keys (a hash of a long one, say)");
        }
        if (value != null && value.length > maxValueBytes) {
            throw new InvalidRequestException(
                    Reason.STATE_LIMIT_EXCEEDED,
                    service,
                    null,
                    null,
                    "a value of " + service + "." + stateName + " is " + value.length
                            + " bytes encoded, over the limit of " + maxValueBytes + " bytes");
        }
    }
}
