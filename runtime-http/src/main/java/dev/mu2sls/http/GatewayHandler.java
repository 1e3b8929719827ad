package dev.mu2sls.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.Limits;
import dev.mu2sls.core.Mode;
import dev.mu2sls.observability.Telemetry;
import dev.mu2sls.spi.MethodRef;
import dev.mu2sls.spi.ServiceDefinition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
 * {@code GET /metrics}, and the read-only web {@link Console} at {@code /console} when given one.
 *
 * <p>It gives each client request its request id: {@code <Service>.<method>:<key>}, where the key
 * is the client's {@code Idempotency-Key} or a fresh UUID, returned in the reply's
 * {@code Idempotency-Key} header so that a client can retry an unanswered request with it. A key
 * is scoped to the service and method it was sent to: key K for {@code Bank.transfer} and key K for
 * {@code Account.balance} are two requests, so a cheap call cannot take over another operation's
 * key. (Within one method, the engine compares a digest of the arguments and refuses a reused key
 * with other arguments: 422.) Everything else a client sends besides method, path and body is
 * dropped, the {@code Mu2sls-*} internal headers included (a client must not choose a request id
 * it does not own, nor join a transaction), but for a W3C {@code traceparent}, which the
 * gateway's span continues. The request goes to an instance of the service as a
 * signed call that the function accepts durably before running ({@code Engine.submit}), and is
 * retried with the same id when an instance dies.
 *
 * <h2>Errors</h2>
 * Unknown route, service or method 404 (an internal method, {@link dev.mu2sls.Internal}, answers
 * exactly as one that does not exist), wrong HTTP method 405, body over the limit 413, a malformed
 * idempotency key 400; the function's own 4xx (bad JSON, wrong arguments, a state key or value over
 * the limits) are relayed as they are. 503 when no instance answered within the deadline: the
 * request may have been accepted, the gateway goes on driving it in the background, up to
 * {@value #MAX_REDELIVERIES} more deliveries, and retrying with the returned key is always safe.
 */
public final class GatewayHandler implements Drainable {
    /** Longest {@code Idempotency-Key}: with service and method it stays within {@link Limits#MAX_CLIENT_REQUEST_ID_LENGTH}. */
    public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 200;
    /** Printable ASCII without space and '/' (which only derived call ids use). */
    private static final Pattern KEY =
            Pattern.compile("[\\x21-\\x2e\\x30-\\x7e]{1," + MAX_IDEMPOTENCY_KEY_LENGTH + "}");
    /**
     * Deliveries of an unanswered request after which the gateway stops driving it and hands it to
     * {@link GiveUp}: each waits up to the transport's deadline, so about 10 minutes at 30 s.
     */
    public static final int MAX_REDELIVERIES = 20;

    /** What the gateway does with an accepted request no instance could complete after {@link #MAX_REDELIVERIES}. */
    @FunctionalInterface
    public interface GiveUp {
        /** Marks {@code invocation} failed with {@code report}, so that it stops being re-driven and its client learns why. */
        void markFailed(Invocation invocation, String report);
    }

    private final HttpCallTransport transport;
    /** Service to its methods clients may call; a service with none is not listed. */
    private final Map<String, Set<String>> publicMethods = new TreeMap<>();

    private final int maxBodyBytes;
    private final String mode;
    private final GiveUp giveUp;
    private final LongAdder unavailable = new LongAdder();
    private final LongAdder givenUp = new LongAdder();
    private final Telemetry telemetry;
    private final Console console;
    private final Map<String, RouteMeters> meters = new ConcurrentHashMap<>();
    private volatile boolean draining;
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * @param transport delivers to the functions (its deadline bounds how long a client waits)
     * @param services the application's services; only their methods not marked internal are served
     * @param maxBodyBytes largest body accepted
     * @param mode the engine mode the application's functions run in, reported by {@code GET /health}
     *     (so that a load generator can label its results), or null when not known
     * @param giveUp what to do with a request still unanswered after {@link #MAX_REDELIVERIES}
     * @param telemetry where the gateway's requests are counted and traced ({@code GET /metrics} serves it)
     */
    public GatewayHandler(
            HttpCallTransport transport,
            List<ServiceDefinition> services,
            int maxBodyBytes,
            Mode mode,
            GiveUp giveUp,
            Telemetry telemetry) {
        this(transport, services, maxBodyBytes, mode, giveUp, telemetry, null);
    }

    /**
     * A gateway that also serves {@code console} at {@code /console} (as its exposure allows).
     *
     * @param console the web console, or null for none
     */
    public GatewayHandler(
            HttpCallTransport transport,
            List<ServiceDefinition> services,
            int maxBodyBytes,
            Mode mode,
            GiveUp giveUp,
            Telemetry telemetry,
            Console console) {
        this.console = console;
        this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
        this.transport = Objects.requireNonNull(transport, "transport");
        for (ServiceDefinition service : services) {
            Set<String> methods = new TreeSet<>();
            for (MethodRef method : service.methods()) {
                if (!method.internal()) {
                    methods.add(method.method());
                }
            }
            if (!methods.isEmpty()) {
                publicMethods.put(service.name(), Set.copyOf(methods));
            }
        }
        this.maxBodyBytes = maxBodyBytes;
        this.mode = mode == null ? null : FunctionHandler.label(mode);
        this.giveUp = Objects.requireNonNull(giveUp, "giveUp");
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

    /**
     * The request id of a client's call: the key scoped to service and method, so that one key
     * names different requests at different methods.
     */
    public static String requestId(String service, String method, String key) {
        return service + "." + method + ":" + key;
    }

    private void redrive(Invocation invocation) {
        for (int round = 1; round <= MAX_REDELIVERIES; round++) {
            try {
                transport.deliver(invocation.withAttempt(round * 1000), true);
                return;
            } catch (CallUnavailableError stillDown) {
                // go on: the platform replaces dead instances
            }
        }
        givenUp.increment();
        giveUp.markFailed(
                invocation,
                "no instance of " + invocation.service() + " completed request " + invocation.requestId() + " in "
                        + (MAX_REDELIVERIES + 1) + " deliveries; the gateway stopped re-driving it");
    }

    /**
     * Answers {@code call} without blocking: the stage completes when the function answered (on the
     * HTTP client's thread), or at once for a request refused here.
     */
    public CompletableFuture<HttpReply> handle(HttpCall call) {
        if (console != null && console.serves(call.path())) {
            return console.answer(call);
        }
        String[] segments = call.path().split("/", -1);
        HttpReply refused = refusal(call, segments);
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        String service = decode(segments[2]);
        String method = decode(segments[3]);
        String header = call.header(InternalHeaders.IDEMPOTENCY_KEY);
        String key = header != null ? header : UUID.randomUUID().toString();
        Invocation invocation = new Invocation(requestId(service, method, key), service, method, call.body(), 0);
        RouteMeters route = telemetry.metricsOn()
                ? meters.computeIfAbsent(service + "." + method, k -> new RouteMeters(service, method))
                : null;
        Span span = telemetry.tracingOn()
                ? telemetry
                        .tracer()
                        .spanBuilder("POST /call/" + service + "/" + method)
                        .setSpanKind(SpanKind.SERVER)
                        .setParent(TraceHeaders.extract(call))
                        .setAttribute("mu2sls.request_id", invocation.requestId())
                        .startSpan()
                : null;
        long started = System.nanoTime();
        inFlight.incrementAndGet();
        CompletableFuture<HttpReply> delivered;
        Scope scope = span == null ? Scope.noop() : span.makeCurrent();
        try {
            delivered = transport.deliverAsync(invocation, true);
        } finally {
            scope.close();
        }
        return delivered
                .handle((reply, failure) -> answer(invocation, key, reply, failure))
                .whenComplete((reply, failure) -> {
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

    private HttpReply answer(Invocation invocation, String key, HttpReply reply, Throwable failure) {
        if (failure == null) {
            return reply.withHeader(InternalHeaders.IDEMPOTENCY_KEY, key);
        }
        if (!(failure instanceof CallUnavailableError)) {
            throw new CompletionException(failure);
        }
        unavailable.increment();
        // The request may have been accepted: keep driving it so that it completes (G4) even
        // if this client never retries; a retry meanwhile is deduplicated.
        Thread.ofVirtual().name("mu2sls-gateway-redrive").start(() -> redrive(invocation));
        return Replies.error(
                        503,
                        "unavailable",
                        "no instance of " + invocation.service() + " answered in time; the request may "
                                + "or may not have been accepted: retry with " + InternalHeaders.IDEMPOTENCY_KEY + ": "
                                + key)
                .withHeader(InternalHeaders.IDEMPOTENCY_KEY, key)
                .withHeader("Retry-After", "1");
    }

    /** The answer to a request that goes no further than the gateway (health, bad input), or null. */
    private HttpReply refusal(HttpCall call, String[] segments) {
        HttpReply probe = Probes.answer(call, telemetry, draining);
        if (probe != null) {
            return probe;
        }
        if (call.path().equals("/health")) {
            return HttpReply.json(
                    200,
                    "{\"status\":\"UP\",\"role\":\"gateway\"" + (mode == null ? "" : ",\"mode\":\"" + mode + "\"")
                            + ",\"unavailable\":" + unavailable.sum() + ",\"givenUp\":" + givenUp.sum() + "}");
        }
        if (segments.length != 4 || !segments[1].equals("call") || segments[2].isEmpty() || segments[3].isEmpty()) {
            return Replies.error(
                    404,
                    "unknown-route",
                    "no route " + call.path()
                            + "; call a service with POST /call/<Service>/<method> and a JSON array of arguments");
        }
        if (!call.method().equals("POST")) {
            return Replies.error(
                            405, "method-not-allowed", call.method() + " " + call.path() + " is not allowed; use POST")
                    .withHeader("Allow", "POST");
        }
        String service = decode(segments[2]);
        Set<String> methods = service == null ? null : publicMethods.get(service);
        if (methods == null) {
            return Replies.error(
                    404,
                    "unknown-service",
                    "unknown service '" + FunctionHandler.abbreviate(segments[2]) + "'; this application has "
                            + publicMethods.keySet());
        }
        String method = decode(segments[3]);
        if (method == null || !methods.contains(method)) {
            return Replies.error(
                    404,
                    "unknown-method",
                    "service " + service + " has no method '" + FunctionHandler.abbreviate(segments[3]) + "'; it has "
                            + methods);
        }
        if (call.bodyTooLarge()) {
            return Replies.error(413, "payload-too-large", "the body is over the limit of " + maxBodyBytes + " bytes");
        }
        String key = call.header(InternalHeaders.IDEMPOTENCY_KEY);
        if (key != null && !KEY.matcher(key).matches()) {
            return Replies.error(
                    400,
                    "bad-idempotency-key",
                    InternalHeaders.IDEMPOTENCY_KEY + " must be 1 to "
                            + MAX_IDEMPOTENCY_KEY_LENGTH + " printable ASCII characters without spaces or '/': got '"
                            + FunctionHandler.abbreviate(key) + "' (" + key.length() + " characters)");
        }
        if (key != null && requestId(service, method, key).length() > Limits.MAX_CLIENT_REQUEST_ID_LENGTH) {
            return Replies.error(
                    400,
                    "bad-idempotency-key",
                    "the request id " + service + "." + method + ":<key> would be "
                            + requestId(service, method, key).length() + " characters, over the limit of "
                            + Limits.MAX_CLIENT_REQUEST_ID_LENGTH + "; use a shorter "
                            + InternalHeaders.IDEMPOTENCY_KEY);
        }
        return null;
    }

    /** A path segment with its percent-escapes decoded as UTF-8, or null if they are malformed. */
    static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c != '%') {
                bytes.writeBytes(String.valueOf(c).getBytes(UTF_8));
                continue;
            }
            if (i + 2 >= segment.length()
                    || !HexFormat.isHexDigit(segment.charAt(i + 1))
                    || !HexFormat.isHexDigit(segment.charAt(i + 2))) {
                return null;
            }
            bytes.write(HexFormat.fromHexDigits(segment, i + 1, i + 3));
            i += 2;
        }
        try {
            return UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
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
            this.duration = Timer.builder("mu2sls.gateway.request.duration")
                    .description("client requests through the gateway")
                    .tags("service", service, "method", method)
                    .serviceLevelObjectives(Telemetry.durationBuckets())
                    .register(registry);
        }

        void answered(int status, long nanos) {
            duration.record(nanos, TimeUnit.NANOSECONDS);
            int statusClass = Math.clamp(status / 100, 1, 5);
            Counter counter = byStatusClass[statusClass];
            if (counter == null) {
                counter = Counter.builder("mu2sls.gateway.requests")
                        .description("client requests answered by the gateway")
                        .tags("service", service, "method", method, "status", statusClass + "xx")
                        .register(telemetry.registry());
                byStatusClass[statusClass] = counter;
            }
            counter.increment();
        }
    }
}
