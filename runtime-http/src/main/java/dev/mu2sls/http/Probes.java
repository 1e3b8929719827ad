package dev.mu2sls.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.observability.Telemetry;
import java.util.Map;

/**
 * The routes every process of the platform serves besides its own: the Knative (Kubernetes)
 * probes and the Prometheus scrape. {@code GET /livez} answers 200 while the process serves at
 * all; {@code GET /readyz} 200 while it takes new requests and 503 once it drains for a stop;
 * {@code GET /metrics} the meters in the Prometheus text format (404 when metrics are off).
 */
final class Probes {
    private Probes() {}

    /** The answer to a probe or a scrape, or null for any other request. */
    static HttpReply answer(HttpCall call, Telemetry telemetry, boolean draining) {
        if (!call.method().equals("GET")) {
            return null;
        }
        return switch (call.path()) {
            case "/livez" -> HttpReply.json(200, "{\"status\":\"UP\"}");
            case "/readyz" ->
                draining
                        ? HttpReply.json(503, "{\"status\":\"DRAINING\"}")
                        : HttpReply.json(200, "{\"status\":\"READY\"}");
            case "/metrics" ->
                telemetry.metricsOn()
                        ? new HttpReply(
                                200,
                                Map.of("Content-Type", Telemetry.scrapeContentType()),
                                telemetry.scrape().getBytes(UTF_8))
                        : Replies.error(404, "metrics-off", "metrics are off (" + Telemetry.METRICS_ENV + "=off)");
            default -> null;
        };
    }
}
