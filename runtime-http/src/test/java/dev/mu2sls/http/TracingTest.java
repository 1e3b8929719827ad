package dev.mu2sls.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.examples.chain.Caller1Dispatcher;
import dev.mu2sls.examples.chain.Caller2Dispatcher;
import dev.mu2sls.examples.counter.CounterDispatcher;
import dev.mu2sls.examples.travel.FlightDispatcher;
import dev.mu2sls.examples.travel.FrontendDispatcher;
import dev.mu2sls.examples.travel.HotelDispatcher;
import dev.mu2sls.examples.travel.OrderDispatcher;
import dev.mu2sls.observability.Telemetry;
import dev.mu2sls.spi.ServiceDefinition;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.http.HttpResponse;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Traces over HTTP, with the SDK's in-memory exporter: a client's {@code traceparent} is continued
 * by the gateway, and every function's spans join the one trace, each delivery a child of the
 * call that sent it.
 */
class TracingTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN_ID = "00f067aa0ba902b7";
    private static final Map<String, String> CLIENT_TRACE =
            Map.of("traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN_ID + "-01");
    private static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("mu2sls.request_id");
    private static final AttributeKey<Long> STEP = AttributeKey.longKey("mu2sls.step");
    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("mu2sls.outcome");
    private static final AttributeKey<String> TRANSACTION_ID = AttributeKey.stringKey("mu2sls.transaction_id");

    private final InMemorySpanExporter exported = InMemorySpanExporter.create();
    private OpenTelemetrySdk sdk;
    private Telemetry telemetry;
    private LocalFunctions app;

    @BeforeEach
    void installSdk() {
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(exported))
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        GlobalOpenTelemetry.resetForTest();
        GlobalOpenTelemetry.set(sdk);
        telemetry = Telemetry.create(false, sdk);
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        telemetry.close();
        sdk.close();
        GlobalOpenTelemetry.resetForTest();
    }

    private void start(List<ServiceDefinition> services) {
        app = new LocalFunctions(services, telemetry);
    }

    @Test
    void w2Chain_oneTraceFromTheClientThroughEveryFunction() throws InterruptedException {
        start(List.of(new Caller1Dispatcher(), new Caller2Dispatcher(), new CounterDispatcher()));
        HttpResponse<String> reply = app.client("Caller1", "add", "[\"k\", 5]", with("Idempotency-Key", "w2-traced"));
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);

        List<SpanData> spans = awaitSpans(s -> s.getName().equals("POST /call/Caller1/add"));
        assertThat(spans).allSatisfy(span -> assertThat(span.getTraceId()).isEqualTo(TRACE_ID));
        SpanData gateway = only(spans, "POST /call/Caller1/add");
        assertThat(gateway.getParentSpanId()).isEqualTo(CLIENT_SPAN_ID);
        assertThat(gateway.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(tree(spans, gateway, span -> !span.getName().equals("store commit")))
                .isEqualTo("""
                POST /call/Caller1/add
                  Caller1.add
                    attempt
                      call Caller2.add
                        Caller2.add
                          attempt
                            call Counter.add
                              Counter.add
                                attempt
                """);
        SpanData counter = only(spans, "Counter.add");
        SpanData callOfCounter = only(spans, "call Counter.add");
        assertThat(counter.getParentSpanId()).isEqualTo(callOfCounter.getSpanId());
        assertThat(counter.getAttributes().get(REQUEST_ID))
                .isEqualTo("Caller1.add:w2-traced/0/0")
                .isEqualTo(callOfCounter.getAttributes().get(REQUEST_ID));
        assertThat(callOfCounter.getAttributes().get(STEP)).isZero();
        assertThat(counter.getAttributes().get(OUTCOME)).isEqualTo("ok");
        // Counter.add records its response: one store commit, in its attempt
        SpanData counterAttempt = children(spans, counter).getFirst();
        assertThat(children(spans, counterAttempt))
                .extracting(SpanData::getName)
                .containsExactly("store commit");
        assertThat(children(spans, counterAttempt).getFirst().getAttributes().get(REQUEST_ID))
                .isEqualTo("Caller1.add:w2-traced/0/0");
        assertThat(children(spans, counterAttempt).getFirst().getAttributes().get(STEP))
                .as("the step the execution is at: its PUT, then the completion commit")
                .isEqualTo(1L);
        assertThat(counterAttempt.getAttributes().get(OUTCOME)).isEqualTo("completed");
    }

    @Test
    void w5Booking_transactionCommitAndItsParticipantsInTheFrontendsAttempt() throws InterruptedException {
        start(List.of(new FrontendDispatcher(), new HotelDispatcher(), new FlightDispatcher(), new OrderDispatcher()));
        assertThat(app.client("Hotel", "open", "[\"h1\", 10]", Map.of()).statusCode())
                .isEqualTo(200);
        assertThat(app.client("Flight", "open", "[\"f1\", 10]", Map.of()).statusCode())
                .isEqualTo(200);
        exported.reset();
        HttpResponse<String> reply =
                app.client("Frontend", "book", "[\"u1\", \"f1\", \"h1\"]", with("Idempotency-Key", "w5-traced"));
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        assertThat(reply.body()).doesNotContain("sold out");

        List<SpanData> spans = awaitSpans(s -> s.getName().equals("POST /call/Frontend/book"));
        assertThat(spans).allSatisfy(span -> assertThat(span.getTraceId()).isEqualTo(TRACE_ID));
        SpanData frontend = only(spans, "Frontend.book");
        assertThat(frontend.getParentSpanId())
                .isEqualTo(only(spans, "POST /call/Frontend/book").getSpanId());
        SpanData attempt = children(spans, frontend).getFirst();
        assertThat(attempt.getName()).isEqualTo("attempt");
        assertThat(children(spans, attempt))
                .extracting(SpanData::getName)
                .contains(
                        "call Hotel.reserve",
                        "call Flight.reserve",
                        "transaction commit",
                        "call Order.place",
                        "store commit");

        SpanData commit = only(spans, "transaction commit");
        assertThat(commit.getParentSpanId()).isEqualTo(attempt.getSpanId());
        assertThat(commit.getAttributes().get(OUTCOME)).isEqualTo("committed");
        String transaction = commit.getAttributes().get(TRANSACTION_ID);
        assertThat(transaction).startsWith("Frontend.book:w5-traced/");
        for (String participant : List.of("Hotel.reserve", "Flight.reserve")) {
            SpanData call = only(spans, "call " + participant);
            SpanData delivery = only(spans, participant);
            assertThat(call.getParentSpanId()).as(participant).isEqualTo(attempt.getSpanId());
            assertThat(delivery.getParentSpanId()).as(participant).isEqualTo(call.getSpanId());
            assertThat(delivery.getAttributes().get(REQUEST_ID))
                    .isEqualTo("Frontend.book:w5-traced/" + call.getAttributes().get(STEP));
            assertThat(delivery.getAttributes().get(TRANSACTION_ID))
                    .as(participant)
                    .isEqualTo(transaction);
            // the participant persists into the transaction: a store commit in its own attempt
            SpanData participantAttempt = children(spans, delivery).getFirst();
            assertThat(children(spans, participantAttempt))
                    .extracting(SpanData::getName)
                    .contains("store commit");
        }
        // the transaction committed before the order was placed
        assertThat(commit.getEndEpochNanos())
                .isLessThanOrEqualTo(only(spans, "call Order.place").getStartEpochNanos());
    }

    @Test
    void sampledOutTrace_noSpanAnywhere() throws InterruptedException {
        start(List.of(new Caller1Dispatcher(), new Caller2Dispatcher(), new CounterDispatcher()));
        // the client's trace is not sampled (flags 00): the gateway and every function follow it
        HttpResponse<String> reply = app.client(
                "Caller1", "add", "[\"k\", 1]", Map.of("traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN_ID + "-00"));
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        app.client("Caller1", "add", "[\"k\", 1]", with("Idempotency-Key", "sampled"));
        List<SpanData> spans = awaitSpans(s -> s.getName().equals("POST /call/Caller1/add"));
        // one request's spans only: a gateway span, three deliveries and three attempts, two calls, store commits
        assertThat(spans)
                .filteredOn(span -> !span.getName().equals("store commit"))
                .extracting(SpanData::getName)
                .containsExactlyInAnyOrder(
                        "POST /call/Caller1/add",
                        "Caller1.add",
                        "Caller2.add",
                        "Counter.add",
                        "attempt",
                        "attempt",
                        "attempt",
                        "call Caller2.add",
                        "call Counter.add");
        assertThat(spans)
                .extracting(span -> span.getAttributes().get(REQUEST_ID))
                .contains("Caller1.add:sampled", "Caller1.add:sampled/0/0");
    }

    private static Map<String, String> with(String header, String value) {
        return Map.of(header, value, "traceparent", CLIENT_TRACE.get("traceparent"));
    }

    /** The exported spans once one matching {@code last} (the gateway's, which ends last) is there. */
    private List<SpanData> awaitSpans(Predicate<SpanData> last) throws InterruptedException {
        long until = System.nanoTime() + 10_000_000_000L;
        while (exported.getFinishedSpanItems().stream().noneMatch(last)) {
            assertThat(System.nanoTime()).as("the gateway's span was exported").isLessThan(until);
            Thread.sleep(10);
        }
        return exported.getFinishedSpanItems();
    }

    private static SpanData only(List<SpanData> spans, String name) {
        List<SpanData> named =
                spans.stream().filter(span -> span.getName().equals(name)).toList();
        assertThat(named).as("spans named " + name).hasSize(1);
        return named.getFirst();
    }

    private static List<SpanData> children(List<SpanData> spans, SpanData parent) {
        return spans.stream()
                .filter(span -> span.getParentSpanId().equals(parent.getSpanId()))
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
                .toList();
    }

    /** The span names under {@code root}, indented by depth, children by start time. */
    private static String tree(List<SpanData> spans, SpanData root, Predicate<SpanData> shown) {
        StringBuilder out = new StringBuilder();
        render(spans, root, 0, shown, out);
        return out.toString();
    }

    private static void render(
            List<SpanData> spans, SpanData span, int depth, Predicate<SpanData> shown, StringBuilder out) {
        out.append("  ".repeat(depth)).append(span.getName()).append('\n');
        for (SpanData child : children(spans, span).stream().filter(shown).collect(Collectors.toList())) {
            render(spans, child, depth + 1, shown, out);
        }
    }
}
