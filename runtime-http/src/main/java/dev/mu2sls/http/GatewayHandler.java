package dev.mu2sls.http;

import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.Mode;
import dev.mu2sls.observability.Telemetry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * The gateway: the one door for clients. {@code POST /call/<Service>/<method>} with the JSON
 * arguments as body and optionally an {@code Idempotency-Key} header; {@code GET /health} (with the
 * engine mode of the functions, when given), the probes {@code GET /livez} and {@code /readyz},
 * and {@code GET /metrics}.
 *
 * <p>It gives each client request its request id, the client's {@code Idempotency-Key} or a fresh
 * UUID, returned in the reply's {@code Idempotency-Key} header so that a client can retry an
 * unanswered request with it. Everything else a client sends besides method, path and body is
 * dropped, the {@code Mu2sls-*} internal headers included (a client must not choose a request id
 * it does not own, nor join a transaction), but for a W3C {@code traceparent}, which the
 * gateway's span continues. The request goes to an instance of the service as a
 * signed call that the function accepts durably before running ({@code Engine.submit}), and is
 * retried with the same id when an instance dies.
 *
 * <h2>Errors</h2>
 * Unknown route or service 404, wrong HTTP method 405, body over the limit 413, a malformed
 * idempotency key 400; the function's own 4xx (unknown method, bad JSON, wrong arguments) are
 * relayed as they are. 503 when no instance answered within the deadline: the request may have been
 * accepted, the gateway goes on driving it in the background, and retrying with the returned key
 * is always safe.
 */
public final class GatewayHandler implements Drainable {
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x2e\\x30-\\x7e]{1,200}");

    private final HttpCallTransport transport;
    private final Set<String> services;
    private final int maxBodyBytes;
    private final String mode;
    private final LongAdder unavailable = new LongAdder();
    private final Telemetry telemetry;
    private final Map<String, RouteMeters> meters = new ConcurrentHashMap<>();
    private volatile boolean draining;
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * @param transport delivers to the functions (its deadline bounds how long a client waits)
     * @param services the application's services
     * @param maxBodyBytes largest body accepted
     */
    public GatewayHandler(HttpCallTransport transport, Set<String> services, int maxBodyBytes) {
        this(transport, services, maxBodyBytes, null);
    }

    /**
     * @param mode the engine mode the application's functions run in, reported by {@code GET /health}
     *     (so that a load generator can label its results), or null when not known
     */
    public GatewayHandler(HttpCallTransport transport, Set<String> services, int maxBodyBytes, Mode mode) {
        this(transport, services, maxBodyBytes, mode, Telemetry.off());
    }

    /**
     * @param telemetry where the gateway's requests are counted and traced ({@code GET /metrics} serves it)
     */
    public GatewayHandler(HttpCallTransport transport, Set<String> services, int maxBodyBytes, Mode mode, Telemetry telemetry) {
        this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.services = Set.copyOf(services);
        this.maxBodyBytes = maxBodyBytes;
        this.mode = mode == null ? null : FunctionHandler.label(mode);
    }

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    @Override
    public void drain() {
        draining = true;
    }

    /** Client requests not yet answered. */
    @Override
    public int inFlight() {
        return inFlight.get();
    }

    private void redrive(Invocation invocation) {
        for (int round = 1; ; round++) {
            try {
                transport.deliver(invocation.withAttempt(round * 1000), true);
                return;
            } catch (CallUnavailableError stillDown) {
                // go on: the platform replaces dead instances
            }
        }
    }

    /**
     * Answers {@code call} without blocking: the stage completes when the function answered (on the
     * HTTP client's thread), or at once for a request refused here.
     */
    public CompletableFuture<HttpReply> handle(HttpCall call) {
        String[] segments = call.path().split("/", -1);
        HttpReply refused = refusal(call, segments);
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        String service = segments[2];
        String method = segments[3];
        String key = call.header(InternalHeaders.IDEMPOTENCY_KEY);
        String requestId = key != null ? key : UUID.randomUUID().toString();
        Invocation invocation = new Invocation(requestId, service, method, call.body(), 0);
        RouteMeters route = telemetry.metricsOn() ? meters.computeIfAbsent(service + "." + method, k -> new RouteMeters(service, method)) : null;
        Span span = telemetry.tracingOn() ? telemetry.tracer().spanBuilder("POST /call/" + service + "/" + method)
                .setSpanKind(SpanKind.SERVER).setParent(TraceHeaders.extract(call))
                .setAttribute("mu2sls.request_id", requestId).startSpan() : null;
        long started = System.nanoTime();
        inFlight.incrementAndGet();
        CompletableFuture<HttpReply> delivered;
        Scope scope = span == null ? Scope.noop() : span.makeCurrent();
        try {
            delivered = transport.deliverAsync(invocation, true);
        } finally {
            scope.close();
        }
        return delivered.handle((reply, failure) -> answer(invocation, reply, failure)).whenComplete((reply, failure) -> {
            inFlight.decrementAndGet();
            int status = failure == null ? reply.status() : 500;
            if (route != null) {
                route.answered(status, System.nanoTime() - started);
            }
            if (span != null) {
                span.setAttribute("http.response.status_code", status);
                if (status >= 500) {
                    span.setStatus(StatusCode.ERROR);
                }
                span.end();
            }
        });
    }

    private HttpReply answer(Invocation invocation, HttpReply reply, Throwable failure) {
        String requestId = invocation.requestId();
        String service = invocation.service();
        if (failure == null) {
            return reply.withHeader(InternalHeaders.IDEMPOTENCY_KEY, requestId);
        }
        if (!(failure instanceof CallUnavailableError)) {
            throw new CompletionException(failure);
        }
        unavailable.increment();
        // The request may have been accepted: keep driving it so that it completes (G4) even
        // if this client never retries; a retry meanwhile is deduplicated.
        Thread.ofVirtual().name("mu2sls-gateway-redrive").start(() -> redrive(invocation));
        return Replies.error(503, "unavailable", "no instance of " + service + " answered in time; the request may "
                + "or may not have been accepted: retry with " + InternalHeaders.IDEMPOTENCY_KEY + ": " + requestId)
                .withHeader(InternalHeaders.IDEMPOTENCY_KEY, requestId)
                .withHeader("Retry-After", "1");
    }

    /** The answer to a request that goes no further than the gateway (health, bad input), or null. */
    private HttpReply refusal(HttpCall call, String[] segments) {
        HttpReply probe = Probes.answer(call, telemetry, draining);
        if (probe != null) {
            return probe;
        }
        if (call.path().equals("/health")) {
            return HttpReply.json(200, "{\"status\":\"UP\",\"role\":\"gateway\"" + (mode == null ? "" : ",\"mode\":\"" + mode + "\"")
                    + ",\"unavailable\":" + unavailable.sum() + "}");
        }
        if (segments.length != 4 || !segments[1].equals("call") || segments[2].isEmpty() || segments[3].isEmpty()) {
            return Replies.error(404, "unknown-route", "no route " + call.path()
                    + "; call a service with POST /call/<Service>/<method> and a JSON array of arguments");
        }
        if (!call.method().equals("POST")) {
            return Replies.error(405, "method-not-allowed", call.method() + " " + call.path() + " is not allowed; use POST")
                    .withHeader("Allow", "POST");
        }
        if (!services.contains(segments[2])) {
            return Replies.error(404, "unknown-service", "unknown service '" + FunctionHandler.abbreviate(segments[2])
                    + "'; this application has " + services.stream().sorted().toList());
        }
        if (call.bodyTooLarge()) {
            return Replies.error(413, "payload-too-large", "the body is over the limit of " + maxBodyBytes + " bytes");
        }
        String key = call.header(InternalHeaders.IDEMPOTENCY_KEY);
        if (key != null && !KEY.matcher(key).matches()) {
            return Replies.error(400, "bad-idempotency-key", InternalHeaders.IDEMPOTENCY_KEY
                    + " must be 1 to 200 printable ASCII characters without spaces or '/': got '" + FunctionHandler.abbreviate(key) + "'");
        }
        return null;
    }

    /** The gateway's meters of one route: answers by status class, and their latency. */
    private final class RouteMeters {
        private final Timer duration;
        private final Counter[] byStatusClass = new Counter[6];
        private final String service;
        private final String method;

        RouteMeters(String service, String method) {
            this.service = service;
            this.method = method;
            MeterRegistry registry = telemetry.registry();
            this.duration = Timer.builder("mu2sls.gateway.request.duration").description("client requests through the gateway")
                    .tags("service", service, "method", method).serviceLevelObjectives(Telemetry.durationBuckets()).register(registry);
        }

        void answered(int status, long nanos) {
            duration.record(nanos, TimeUnit.NANOSECONDS);
            int statusClass = Math.clamp(status / 100, 1, 5);
            Counter counter = byStatusClass[statusClass];
            if (counter == null) {
                counter = Counter.builder("mu2sls.gateway.requests").description("client requests answered by the gateway")
                        .tags("service", service, "method", method, "status", statusClass + "xx").register(telemetry.registry());
                byStatusClass[statusClass] = counter;
            }
            counter.increment();
        }
    }
}
