package dev.mu2sls.http;

import dev.mu2sls.InvalidRequestException;
import dev.mu2sls.NondeterminismException;
import dev.mu2sls.core.Engine;
import dev.mu2sls.core.ExecutionExpiredException;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.MisdirectedRequestException;
import dev.mu2sls.core.Mode;
import dev.mu2sls.core.RequestSuspendedException;
import dev.mu2sls.core.Response;
import dev.mu2sls.observability.Telemetry;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * One service as an HTTP function, independent of the server that carries it (Jetty, the JDK's
 * server, an AWS Lambda event): {@code POST /<method>} with the JSON arguments as body and the
 * signed internal metadata in headers ({@link InternalHeaders}). A function that co-locates
 * several services of one engine ({@code up --colocate}) serves {@code POST /<service>/<method>}
 * instead, and its routes name each service's path ({@link ColocatedCallTransport}).
 * {@code GET /health} (what it
 * serves, requests in flight), {@code GET /livez} and {@code GET /readyz} (the liveness and
 * readiness probes: ready until {@link #drain()}), and {@code GET /metrics} (Prometheus text).
 * A {@code traceparent} header continues the caller's trace.
 *
 * <h2>Errors</h2>
 * Checked in this order, each before anything is read or written: unknown route 404, wrong HTTP
 * method 405, body over the limit 413, missing or stale signature 401, signature mismatch 403,
 * malformed transaction header 400, then the engine's own validation (unknown method 404, bad JSON,
 * wrong arity or types 400; see {@link Replies#invalid}). A handler that diverged from its
 * journal answers 500 with problem {@code nondeterminism}; anything else unexpected (the store
 * down, say) 503, which callers retry with the same request id.
 *
 * <h2>Thread safety</h2>
 * Safe for any number of concurrent requests (the engine is).
 */
public final class FunctionHandler implements Drainable {
    /** Transaction ids are derived ids: {@code <request id>/<step>}. */
    private static final Pattern TRANSACTION_ID = Pattern.compile("[^\\x00]{1,4096}/[0-9]{1,9}");

    private final Engine engine;
    /** The services served, in the order given; one alone is served at {@code /<method>}. */
    private final List<String> services;

    private final CallSigner signer;
    private final int maxBodyBytes;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder handled = new LongAdder();
    private final Telemetry telemetry;
    private volatile boolean draining;

    /**
     * @param engine the engine, with {@code service} registered
     * @param service the routing name of the service this function serves
     * @param signer verifies internal metadata
     * @param maxBodyBytes largest body accepted; servers read at most one byte more
     */
    public FunctionHandler(Engine engine, String service, CallSigner signer, int maxBodyBytes) {
        this(engine, service, signer, maxBodyBytes, Telemetry.off());
    }

    /**
     * @param telemetry the metrics {@code GET /metrics} serves; the engine should report to its
     *     observer. Meters backed by the engine's counters are added to it.
     */
    public FunctionHandler(Engine engine, String service, CallSigner signer, int maxBodyBytes, Telemetry telemetry) {
        this(engine, List.of(service), signer, maxBodyBytes, telemetry);
    }

    /**
     * A function co-locating {@code services}, all registered with {@code engine}: with more than
     * one, each is served at {@code /<service>/<method>}.
     */
    public FunctionHandler(
            Engine engine, List<String> services, CallSigner signer, int maxBodyBytes, Telemetry telemetry) {
        this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.services = List.copyOf(services);
        this.signer = Objects.requireNonNull(signer, "signer");
        if (this.services.isEmpty()) {
            throw new IllegalArgumentException("a function serves at least one service");
        }
        for (String service : this.services) {
            if (!engine.services().containsKey(service)) {
                throw new IllegalArgumentException("the engine does not run service " + service + "; it runs "
                        + engine.services().keySet());
            }
        }
        this.maxBodyBytes = maxBodyBytes;
        telemetry.bind(engine, label());
    }

    /** The service served; for a co-locating function, their names joined with '+'. */
    public String label() {
        return String.join("+", services);
    }

    public List<String> services() {
        return services;
    }

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** Requests being handled right now (what the local platform scales on). */
    @Override
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public void drain() {
        draining = true;
    }

    public HttpReply handle(HttpCall call) {
        HttpReply probe = Probes.answer(call, telemetry, draining);
        if (probe != null) {
            return probe;
        }
        if (call.path().equals("/health")) {
            return HttpReply.json(
                    200,
                    "{\"status\":\"" + (draining ? "DRAINING" : "UP") + "\",\"service\":\"" + label()
                            + "\",\"mode\":\"" + label(engine.mode())
                            + "\",\"inFlight\":" + inFlight.get()
                            + ",\"handled\":" + handled.sum() + "}");
        }
        String[] segments = call.path().split("/", -1);
        boolean colocated = services.size() > 1;
        if (segments.length != (colocated ? 3 : 2)
                || segments[segments.length - 1].isEmpty()
                || (colocated && !services.contains(segments[1]))) {
            return Replies.error(
                    404,
                    "unknown-route",
                    "no route " + call.path() + "; function " + label() + " serves POST "
                            + (colocated ? "/<service>/<method> for services " + services : "/<method>")
                            + ", GET /health, /livez, /readyz and /metrics");
        }
        String service = colocated ? segments[1] : services.getFirst();
        if (!call.method().equals("POST")) {
            return Replies.error(
                            405,
                            "method-not-allowed",
                            call.method() + " " + call.path() + " is not allowed; call methods with POST")
                    .withHeader("Allow", "POST");
        }
        if (call.bodyTooLarge()) {
            return Replies.error(413, "payload-too-large", "the body is over the limit of " + maxBodyBytes + " bytes");
        }
        String method = segments[segments.length - 1];
        CallSigner.Verdict verdict = signer.verify(service, method, call);
        if (verdict instanceof CallSigner.Verdict.Rejected rejected) {
            return Replies.error(rejected.status(), rejected.problem(), rejected.message());
        }
        CallSigner.CallMetadata metadata = ((CallSigner.Verdict.Valid) verdict).metadata();
        String transaction = metadata.transactionId();
        if (transaction != null && !TRANSACTION_ID.matcher(transaction).matches()) {
            return Replies.error(
                    400,
                    "bad-transaction-header",
                    InternalHeaders.TRANSACTION + " must be a transaction id '<request id>/<step>': got '"
                            + abbreviate(transaction) + "'");
        }
        Invocation invocation = new Invocation(
                        metadata.requestId(), service, method, call.body(), attempt(call), transaction)
                .withDeadline(metadata.deadlineMillis());
        inFlight.incrementAndGet();
        Scope trace = TraceHeaders.continueTrace(call);
        try {
            // accepted with a derived id: a one-way send or a timer the engine recorded, re-driven by the gateway
            Response response = !metadata.accept()
                    ? engine.invoke(invocation)
                    : invocation.requestId().indexOf('/') >= 0
                            ? engine.redeliver(invocation)
                            : engine.submit(invocation);
            handled.increment();
            return Replies.response(response);
        } catch (InvalidRequestException e) {
            return Replies.invalid(e);
        } catch (NondeterminismException e) {
            return Replies.nondeterminism(e);
        } catch (MisdirectedRequestException e) {
            // another application version ran it and is alive: the caller delivers it there
            return Replies.misdirected(e);
        } catch (RequestSuspendedException e) {
            // it sleeps under a durable timer: accepted, still running; the client retries with the same key
            long seconds = Math.max(1, (e.dueMillis() - System.currentTimeMillis() + 999) / 1000);
            return Replies.error(202, "sleeping", e.getMessage()).withHeader("Retry-After", Long.toString(seconds));
        } catch (ExecutionExpiredException e) {
            // its caller's deadline passed too: the caller re-executes and calls again (A6)
            return Replies.error(503, "execution-expired", e.getMessage());
        } catch (RuntimeException | CallUnavailableError e) {
            // A crash-like failure (store unreachable, platform call given up): nothing recorded,
            // so the caller retries with the same id.
            return Replies.error(
                    503,
                    "unavailable",
                    service + "." + method + " failed before completing (" + e + "); retry with the same request id");
        } finally {
            trace.close();
            inFlight.decrementAndGet();
        }
    }

    private static int attempt(HttpCall call) {
        String text = call.header(InternalHeaders.ATTEMPT);
        try {
            return text == null ? 0 : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A mode as the command line and the health endpoints spell it: full, exactly-once, unsafe. */
    public static String label(Mode mode) {
        return mode.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static String abbreviate(String text) {
        return text.length() > 100 ? text.substring(0, 100) + "..." : text;
    }
}
