package dev.mu2sls;

/**
 * A request that can never succeed as sent (G6): it names what was wrong, and nothing was
 * changed by it.
 */
public final class InvalidRequestException extends Mu2slsException {

    /** What was wrong with the request. */
    public enum Reason {
        UNKNOWN_SERVICE,
        UNKNOWN_METHOD,
        WRONG_ARITY,
        BAD_ARGUMENT,
        MALFORMED_JSON,
        PAYLOAD_TOO_LARGE,
        NOT_SERIALIZABLE,
        BAD_REQUEST_ID,
        /** The request id (idempotency key) was already used for a request with other arguments. */
        IDEMPOTENCY_KEY_REUSED,
        /** A state key or value is larger than every store accepts. */
        STATE_LIMIT_EXCEEDED
    }

    private final Reason reason;
    private final String service;
    private final String method;
    private final String argument;

    public InvalidRequestException(Reason reason, String service, String method, String argument, String message) {
        super(message);
        this.reason = reason;
        this.service = service;
        this.method = method;
        this.argument = argument;
    }

    public InvalidRequestException(Reason reason, String service, String method, String message) {
        this(reason, service, method, null, message);
    }

    public Reason reason() {
        return reason;
    }

    /** The service the request named, or {@code null}. */
    public String service() {
        return service;
    }

    /** The method the request named, or {@code null}. */
    public String method() {
        return method;
    }

    /** The offending argument's name, or {@code null} when not about one argument. */
    public String argument() {
        return argument;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
