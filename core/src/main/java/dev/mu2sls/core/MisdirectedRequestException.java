package dev.mu2sls.core;

/**
 * A delivery reached an engine of another application version than the one that ran its request,
 * while that version is kept alive (code upgrades, {@link Engine.Builder#applicationVersion}):
 * nothing was recorded, and the platform delivers the request again to {@link #version()}'s
 * instances, so that it finishes on the code that started it. A client's retry with its key, which
 * a gateway cannot tell from a new request, is sent back so.
 */
public final class MisdirectedRequestException extends RuntimeException {
    private final String requestId;
    private final String version;

    public MisdirectedRequestException(String requestId, String version, String here) {
        super("request " + requestId + " was run by application version " + version + ", which is alive: deliver it "
                + "there, not to version " + here);
        this.requestId = requestId;
        this.version = version;
    }

    public String requestId() {
        return requestId;
    }

    /** The version that ran the request, where it must be delivered. */
    public String version() {
        return version;
    }
}
