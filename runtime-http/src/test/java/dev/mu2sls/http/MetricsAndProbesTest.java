package dev.mu2sls.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.core.Invocation;
import dev.mu2sls.examples.chain.Caller1Dispatcher;
import dev.mu2sls.examples.chain.Caller2Dispatcher;
import dev.mu2sls.examples.counter.CounterDispatcher;
import dev.mu2sls.observability.Telemetry;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics}, {@code /livez} and {@code /readyz} on the functions and the gateway of W2 over HTTP. */
class MetricsAndProbesTest {
    private Telemetry telemetry;
    private LocalFunctions app;

    private void start(Telemetry withTelemetry) {
        telemetry = withTelemetry;
        app = new LocalFunctions(
                List.of(new Caller1Dispatcher(), new Caller2Dispatcher(), new CounterDispatcher()), telemetry);
    }

    @AfterEach
    void stop() {
        app.close();
        telemetry.close();
    }

    @Test
    void metrics_countRequestsByServiceMethodAndOutcome() {
        start(Telemetry.create(true, null));
        for (int i = 0; i < 3; i++) {
            assertThat(app.client("Caller1", "add", "[\"k\", 1]", Map.of("Idempotency-Key", "m-" + i))
                            .statusCode())
                    .isEqualTo(200);
        }
        assertThat(app.client("Caller1", "add", "[\"k\"]", Map.of()).statusCode())
                .isEqualTo(400);
        // a second delivery of a completed request: a re-delivery, answered from its record
        app.engines
                .get("Counter")
                .invoke(new Invocation("Caller1.add:m-0/0/0", "Counter", "add", "[\"k\",1]".getBytes(UTF_8), 1));

        HttpResponse<String> scrape = app.get(app.function("Counter").resolve("/metrics"));
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        String metrics = scrape.body();
        assertThat(value(metrics, "mu2sls_requests_total", "method=\"add\",outcome=\"ok\",service=\"Counter\""))
                .isEqualTo(4.0);
        assertThat(value(metrics, "mu2sls_requests_total", "method=\"add\",outcome=\"ok\",service=\"Caller1\""))
                .isEqualTo(3.0);
        assertThat(value(metrics, "mu2sls_requests_total", "method=\"add\",outcome=\"invalid\",service=\"Caller1\""))
                .isEqualTo(1.0);
        assertThat(value(metrics, "mu2sls_reexecutions_total", "method=\"add\",service=\"Counter\""))
                .isEqualTo(1.0);
        assertThat(value(metrics, "mu2sls_deduplicated_total", "service=\"Counter\""))
                .isEqualTo(1.0);
        assertThat(value(
                        metrics,
                        "mu2sls_request_duration_seconds_count",
                        "method=\"add\",outcome=\"ok\",service=\"Caller2\""))
                .isEqualTo(3.0);
        assertThat(metrics)
                .contains(
                        "mu2sls_request_duration_seconds_bucket{method=\"add\",outcome=\"ok\",service=\"Counter\",le=\"0.001\"}");
        assertThat(value(metrics, "mu2sls_store_commits_total", "outcome=\"ok\",service=\"Counter\""))
                .isGreaterThanOrEqualTo(3.0);
        assertThat(metrics)
                .contains(
                        "mu2sls_store_commit_duration_seconds_bucket",
                        "mu2sls_running_requests 0.0",
                        "mu2sls_pending_transactions 0.0",
                        "mu2sls_replays_total",
                        "mu2sls_fenced_total",
                        "jvm_memory_used_bytes");
        // the state cache served Counter's second and third reads of "k"
        assertThat(value(metrics, "mu2sls_state_cache_hits_total", "service=\"Counter\""))
                .isEqualTo(2.0);
        assertThat(value(metrics, "mu2sls_tx_contention_waits_total", "service=\"Counter\""))
                .as("exposed; no transaction ran")
                .isZero();

        String gateway = app.get(app.gateway.resolve("/metrics")).body();
        assertThat(value(gateway, "mu2sls_gateway_requests_total", "method=\"add\",service=\"Caller1\",status=\"2xx\""))
                .isEqualTo(3.0);
        assertThat(gateway).contains("mu2sls_gateway_request_duration_seconds_bucket");
    }

    @Test
    void metricsOff_scrapeIsAProblem() {
        start(Telemetry.off());
        HttpResponse<String> scrape = app.get(app.function("Counter").resolve("/metrics"));
        assertThat(scrape.statusCode()).isEqualTo(404);
        assertThat(LocalFunctions.json(scrape).get("problem").asText()).isEqualTo("metrics-off");
    }

    @Test
    void probes_readyUntilDrainedAliveThroughout() {
        start(Telemetry.off());
        FunctionHandler counter = app.handlers.get("Counter");
        assertThat(app.get(app.function("Counter").resolve("/readyz")).statusCode())
                .isEqualTo(200);
        assertThat(app.get(app.gateway.resolve("/readyz")).statusCode()).isEqualTo(200);

        counter.drain();
        app.gatewayHandler.drain();

        assertThat(app.get(app.function("Counter").resolve("/readyz")).statusCode())
                .isEqualTo(503);
        assertThat(app.get(app.gateway.resolve("/readyz")).statusCode()).isEqualTo(503);
        assertThat(app.get(app.function("Counter").resolve("/livez")).statusCode())
                .isEqualTo(200);
        assertThat(app.get(app.gateway.resolve("/livez")).statusCode()).isEqualTo(200);
        // draining refuses nothing: requests still arriving are served
        assertThat(app.client("Caller1", "add", "[\"k\", 2]", Map.of()).statusCode())
                .isEqualTo(200);
        assertThat(app.get(app.function("Caller1").resolve("/readyz")).statusCode())
                .isEqualTo(200);
    }

    /** The value of the sample {@code name{labels}} in a Prometheus scrape. */
    private static double value(String scrape, String name, String labels) {
        Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels + "}") + " (\\S+)$")
                .matcher(scrape);
        assertThat(sample.find())
                .as(name + "{" + labels + "} in\n"
                        + scrape.lines().filter(l -> l.startsWith(name)).toList())
                .isTrue();
        return Double.parseDouble(sample.group(1));
    }
}
