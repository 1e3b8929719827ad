package dev.mu2sls.http;

/** A handler as a stopping process sees it: it can stop being ready, and counts what it still runs. */
public interface Drainable {
    /**
     * Stops being ready ({@code GET /readyz} answers 503) so that the platform sends no new
     * requests; requests still arriving are served.
     */
    void drain();

    /** Requests being handled right now. */
    int inFlight();
}
