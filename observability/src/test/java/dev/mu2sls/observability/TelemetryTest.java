package dev.mu2sls.observability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mu2sls.core.Engine;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.Response;
import dev.mu2sls.examples.chain.Caller1Dispatcher;
import dev.mu2sls.examples.chain.Caller2Dispatcher;
import dev.mu2sls.examples.counter.CounterDispatcher;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.store.ForwardingStore;
import dev.mu2sls.store.MemoryStore;
import dev.mu2sls.store.Store;
import dev.mu2sls.store.StoreTransaction;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class TelemetryTest {
    private final Logger engineLog = (Logger) LoggerFactory.getLogger("dev.mu2sls.engine");
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @AfterEach
    void detach() {
        engineLog.detachAppender(logged);
        engineLog.setLevel(null);
        GlobalOpenTelemetry.resetForTest();
    }

    @Test
    void redelivery_loggedWithTheRequestInTheMdc_thenTheMdcIsRestored() {
        logged.start();
        engineLog.addAppender(logged);
        engineLog.setLevel(Level.DEBUG);
        try (Telemetry telemetry = Telemetry.create(true, null);
                Engine engine = Engine.builder()
                        .store(new MemoryStore())
                        .codec(new JsonCodec())
                        .service(new CounterDispatcher())
                        .observer(telemetry.observer())
                        .build()) {
            MDC.put("request_id", "the caller's");
            engine.invoke(new Invocation("r-1", "Counter", "add", "[\"k\", 2]".getBytes(UTF_8), 0));
            engine.invoke(new Invocation("r-1", "Counter", "add", "[\"k\", 2]".getBytes(UTF_8), 1));

            assertThat(MDC.get("request_id")).isEqualTo("the caller's");
            assertThat(MDC.get("service")).isNull();
            List<ILoggingEvent> redeliveries = logged.list.stream()
                    .filter(e -> e.getFormattedMessage().startsWith("re-delivery"))
                    .toList();
            assertThat(redeliveries).hasSize(1);
            assertThat(redeliveries.getFirst().getLevel()).isEqualTo(Level.DEBUG);
            assertThat(redeliveries.getFirst().getMDCPropertyMap())
                    .containsExactlyInAnyOrderEntriesOf(
                            Map.of("request_id", "r-1", "service", "Counter", "method", "add", "attempt", "1"));
            // the first fault is summed up at INFO at once, the next ones at most every 10 s
            assertThat(logged.list).anySatisfy(event -> {
                assertThat(event.getLevel()).isEqualTo(Level.INFO);
                assertThat(event.getFormattedMessage())
                        .startsWith("recovering from faults: 1 re-deliveries, 0 executions fenced");
            });
            assertThat(telemetry
                            .registry()
                            .get("mu2sls.reexecutions")
                            .tags("service", "Counter", "method", "add")
                            .counter()
                            .count())
                    .isEqualTo(1.0);
            assertThat(telemetry
                            .registry()
                            .get("mu2sls.requests")
                            .tags("service", "Counter", "outcome", "ok")
                            .counter()
                            .count())
                    .isEqualTo(2.0);
            assertThat(telemetry.summary()).contains("Counter.add", "reexecutions 1");
        } finally {
            MDC.clear();
        }
    }

    /**
     * Issue 16: the MDC carries the journal step an execution is at, so that what is logged during
     * a store commit or a call names it; a nested delivery (a call run on the caller's thread)
     * restores its caller's step, and none is left after the delivery.
     */
    @Test
    void steps_inTheMdc_whileTheyRun_restoredAfterANestedDelivery() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Store store = new ForwardingStore(new MemoryStore()) {
            @Override
            protected StoreTransaction decorate(StoreTransaction transaction) {
                seen.add("commit of " + MDC.get("request_id") + " at step " + MDC.get("step"));
                return transaction;
            }
        };
        Engine[] engine = new Engine[1];
        try (Telemetry telemetry = Telemetry.create(false, null)) {
            engine[0] = Engine.builder()
                    .store(store)
                    .codec(new JsonCodec())
                    .service(new Caller1Dispatcher())
                    .service(new Caller2Dispatcher())
                    .service(new CounterDispatcher())
                    .observer(telemetry.observer())
                    .transport(invocation -> {
                        Response response = engine[0].invoke(invocation);
                        seen.add("after calling " + invocation.requestId() + ": " + MDC.get("request_id") + " at step "
                                + MDC.get("step"));
                        return response;
                    })
                    .build();
            try (Engine e = engine[0]) {
                e.invoke(new Invocation("r-1", "Caller1", "add", "[\"k\", 2]".getBytes(UTF_8), 0));
            }
            assertThat(seen)
                    .contains(
                            "commit of r-1/0/0 at step 1", // Counter.add: GET at 0, PUT at 1, then its completion
                            "after calling r-1/0/0: r-1/0 at step 0",
                            "after calling r-1/0: r-1 at step 0");
            assertThat(MDC.get("step")).as("nothing left after the delivery").isNull();
        } finally {
            MDC.clear();
        }
    }

    @Test
    void fromEnvironment_metricsOnTracingOffByDefault() {
        try (Telemetry telemetry = Telemetry.fromEnvironment("svc", Map.of())) {
            assertThat(telemetry.metricsOn()).isTrue();
            assertThat(telemetry.tracingOn()).isFalse();
            assertThat(telemetry.scrape()).contains("jvm_memory_used_bytes");
        }
        try (Telemetry telemetry = Telemetry.fromEnvironment(
                "svc",
                Map.of(
                        Telemetry.METRICS_ENV,
                        "off",
                        "OTEL_TRACES_EXPORTER",
                        "none",
                        "OTEL_EXPORTER_OTLP_ENDPOINT",
                        "http://127.0.0.1:4318"))) {
            assertThat(telemetry.metricsOn()).isFalse();
            assertThat(telemetry.tracingOn()).isFalse();
            assertThat(telemetry.scrape()).isEmpty();
            assertThat(telemetry.summary()).isEmpty();
        }
        try (Telemetry telemetry = Telemetry.fromEnvironment(
                "svc", Map.of("OTEL_SDK_DISABLED", "true", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"))) {
            assertThat(telemetry.tracingOn()).isFalse();
        }
    }

    @Test
    void fromEnvironment_anOtlpEndpointTurnsTracingOn() {
        try (Telemetry telemetry =
                Telemetry.fromEnvironment("svc", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"))) {
            assertThat(telemetry.tracingOn()).isTrue();
        }
    }

    @Test
    void fromEnvironment_grpcAsked_refusedWithTheReason() {
        assertThatThrownBy(() -> Telemetry.fromEnvironment(
                        "svc",
                        Map.of(
                                "OTEL_EXPORTER_OTLP_ENDPOINT",
                                "http://127.0.0.1:4317",
                                "OTEL_EXPORTER_OTLP_PROTOCOL",
                                "grpc")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("tracing is misconfigured by the OTEL_* variables");
    }

    @Test
    void fromEnvironment_badMetricsSwitch_namesTheVariable() {
        assertThatThrownBy(() -> Telemetry.fromEnvironment("svc", Map.of(Telemetry.METRICS_ENV, "yes")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("MU2SLS_METRICS must be on or off: got 'yes'");
    }
}
