package dev.mu2sls.observability;

import dev.mu2sls.core.Engine;
import dev.mu2sls.core.EngineObserver;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process's metrics and traces: a Micrometer registry scraped in the Prometheus format
 * ({@code GET /metrics}), an OpenTelemetry tracer, and the {@link EngineObserver} that feeds both
 * and logs what operators need (re-executions, fenced zombies) with the request in the MDC.
 *
 * <h2>Configuration (environment)</h2>
 * Metrics are on unless {@value #METRICS_ENV} is {@code off}. Traces are off unless an OTLP
 * endpoint or a traces exporter is named with the standard variables
 * ({@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT},
 * {@code OTEL_TRACES_EXPORTER}); then the SDK is configured by all the {@code OTEL_*} variables
 * (sampler, resource, batch sizes), exports spans over OTLP (HTTP/protobuf, port 4318 by
 * default; gRPC is not included), and is the global OpenTelemetry that
 * propagates W3C {@code traceparent} headers. Off, no span is ever built.
 *
 * <h2>Thread safety</h2>
 * Safe for concurrent use.
 */
public final class Telemetry implements AutoCloseable {
    /** Environment variable turning metrics off ({@code off}); on by default. */
    public static final String METRICS_ENV = "MU2SLS_METRICS";
    /** The instrumentation scope of mu2sls's spans. */
    public static final String SCOPE = "dev.mu2sls";

    private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);

    private final PrometheusMeterRegistry registry;
    private final OpenTelemetrySdk ownedSdk;
    private final Tracer tracer;
    private final EngineMetrics metrics;
    private final EngineObserver observer;
    private final JvmGcMetrics gcMetrics;

    private Telemetry(boolean metricsOn, OpenTelemetry tracing, OpenTelemetrySdk ownedSdk) {
        this.registry = metricsOn ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null;
        this.ownedSdk = ownedSdk;
        this.tracer = tracing == null ? null : tracing.getTracer(SCOPE);
        this.metrics = registry == null ? null : new EngineMetrics(registry);
        this.observer = new TelemetryObserver(metrics, tracer);
        if (registry != null) {
            new JvmMemoryMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            gcMetrics = new JvmGcMetrics();
            gcMetrics.bindTo(registry);
        } else {
            gcMetrics = null;
        }
    }

    /**
     * Metrics and traces as the environment asks (see the class comment).
     *
     * @param serviceName the {@code service.name} of spans unless {@code OTEL_SERVICE_NAME} says otherwise
     * @throws IllegalArgumentException if {@value #METRICS_ENV} is neither {@code on} nor {@code off}
     */
    public static Telemetry fromEnvironment(String serviceName, Map<String, String> environment) {
        String metrics = environment.getOrDefault(METRICS_ENV, "on").toLowerCase(Locale.ROOT);
        if (!metrics.equals("on") && !metrics.equals("off")) {
            throw new IllegalArgumentException(METRICS_ENV + " must be on or off: got '" + metrics + "'");
        }
        OpenTelemetrySdk sdk = tracingRequested(environment) ? startSdk(serviceName, environment) : null;
        return new Telemetry(metrics.equals("on"), sdk, sdk);
    }

    /**
     * Telemetry wired by hand (tests, embedders).
     *
     * @param metrics whether to keep metrics
     * @param tracing where spans go, or null for no traces; the caller owns it
     */
    public static Telemetry create(boolean metrics, OpenTelemetry tracing) {
        return new Telemetry(metrics, tracing, null);
    }

    /** No metrics, no traces. */
    public static Telemetry off() {
        return new Telemetry(false, null, null);
    }

    private static boolean tracingRequested(Map<String, String> environment) {
        if ("true".equalsIgnoreCase(environment.get("OTEL_SDK_DISABLED"))) {
            return false;
        }
        String exporter = environment.get("OTEL_TRACES_EXPORTER");
        if (exporter != null) {
            return !exporter.equalsIgnoreCase("none");
        }
        return environment.containsKey("OTEL_EXPORTER_OTLP_ENDPOINT")
                || environment.containsKey("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    }

    private static OpenTelemetrySdk startSdk(String serviceName, Map<String, String> environment) {
        // the OTEL_* variables of the given environment as the SDK's properties (OTEL_A_B is otel.a.b)
        Map<String, String> configured = new HashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith("OTEL_")) {
                configured.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        OpenTelemetrySdk sdk;
        try {
            // defaults the OTEL_* variables override; OTLP over HTTP, as the JDK's client sends it (no gRPC)
            sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> Map.of(
                            "otel.service.name",
                            serviceName,
                            "otel.exporter.otlp.protocol",
                            "http/protobuf",
                            "otel.metrics.exporter",
                            "none",
                            "otel.logs.exporter",
                            "none"))
                    .addPropertiesCustomizer(defaults -> configured)
                    .disableShutdownHook()
                    .build()
                    .getOpenTelemetrySdk();
        } catch (ConfigurationException e) {
            throw new IllegalArgumentException(
                    "tracing is misconfigured by the OTEL_* variables: " + e.getMessage()
                            + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")"),
                    e);
        }
        try {
            GlobalOpenTelemetry.set(sdk);
        } catch (IllegalStateException alreadySet) {
            LOG.debug("a global OpenTelemetry was already set; trace headers are propagated with that one");
        }
        LOG.info("tracing on: spans exported as OTEL_* configures");
        return sdk;
    }

    /** What engines report to: give it to {@code Engine.Builder.observer}. */
    public EngineObserver observer() {
        return observer;
    }

    /**
     * Adds meters backed by {@code engine}'s counters (state cache hits, deduplicated deliveries,
     * contention waits, expiries), tagged with {@code service}.
     */
    public void bind(Engine engine, String service) {
        if (registry == null) {
            return;
        }
        counter("mu2sls.state.cache.hits", "state reads served from the engine's cache", engine, service, e -> e.stats()
                .stateCacheHits());
        counter("mu2sls.state.cache.stale", "cached values found stale when validated", engine, service, e -> e.stats()
                .stateCacheStale());
        counter("mu2sls.deduplicated", "deliveries answered from a recorded response", engine, service, e -> e.stats()
                .deduplicated());
        counter(
                "mu2sls.tx.contention.waits",
                "reads that waited for another execution's write of the key to be applied",
                engine,
                service,
                e -> e.stats().contentionWaits());
        counter(
                "mu2sls.tx.expired",
                "transactions aborted as abandoned past their lease",
                engine,
                service,
                e -> e.stats().transactionsExpired());
        counter(
                "mu2sls.responses.expired",
                "recorded responses dropped after their retention",
                engine,
                service,
                e -> e.stats().responsesExpired());
    }

    private void counter(
            String name, String description, Engine engine, String service, ToDoubleFunction<Engine> count) {
        FunctionCounter.builder(name, engine, count)
                .description(description)
                .tag("service", service)
                .register(registry);
    }

    /** The registry, for meters of the platform (the gateway's); null when metrics are off. */
    public MeterRegistry registry() {
        return registry;
    }

    public boolean metricsOn() {
        return registry != null;
    }

    public boolean tracingOn() {
        return tracer != null;
    }

    /** The tracer for the platform's own spans (the gateway's); a no-op one when tracing is off. */
    public Tracer tracer() {
        return tracer != null ? tracer : OpenTelemetry.noop().getTracer(SCOPE);
    }

    /** The histogram buckets of every mu2sls duration, for the platform's own timers: 100 µs to 30 s, fifteen of them. */
    public static Duration[] durationBuckets() {
        return EngineMetrics.BUCKETS.clone();
    }

    /** Every meter in the Prometheus text format; empty when metrics are off. */
    public String scrape() {
        return registry == null ? "" : registry.scrape();
    }

    /** The content type of {@link #scrape()}. */
    public static String scrapeContentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }

    /** A few lines on what the engines did, for {@code demo} and {@code bench}; empty when metrics are off. */
    public String summary() {
        return metrics == null ? "" : MetricsSummary.of(registry);
    }

    /** Flushes spans not yet exported, and stops. */
    @Override
    public void close() {
        if (gcMetrics != null) {
            gcMetrics.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (ownedSdk != null) {
            ownedSdk.close();
        }
    }
}
