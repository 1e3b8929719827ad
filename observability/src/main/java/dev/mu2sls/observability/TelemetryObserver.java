package dev.mu2sls.observability;

import dev.mu2sls.InvalidRequestException;
import dev.mu2sls.core.CallTransport;
import dev.mu2sls.core.EngineObserver;
import dev.mu2sls.core.ExecutionExpiredException;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.Response;
import dev.mu2sls.observability.EngineMetrics.RequestOutcome;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Feeds the engine's events to metrics ({@code metrics} null when off), spans ({@code tracer}
 * null when off: no span is built) and the operator log, with the delivery's request in the MDC.
 * Spans: a delivery ({@code Service.method}, kind SERVER) holds its attempts ({@code attempt}),
 * which hold their calls ({@code call Service.method}, kind CLIENT, current while the transport
 * sends them, so its trace headers name them) and store commits ({@code store commit});
 * transaction ends ({@code transaction commit|abort}) are children of the attempt.
 */
final class TelemetryObserver implements EngineObserver {
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("mu2sls.request_id");
    static final AttributeKey<Long> DELIVERY_ATTEMPT = AttributeKey.longKey("mu2sls.delivery_attempt");
    static final AttributeKey<Long> EXECUTION = AttributeKey.longKey("mu2sls.execution");
    static final AttributeKey<Long> STEP = AttributeKey.longKey("mu2sls.step");
    static final AttributeKey<String> TRANSACTION_ID = AttributeKey.stringKey("mu2sls.transaction_id");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("mu2sls.outcome");
    static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
    static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");

    private static final Logger LOG = LoggerFactory.getLogger("dev.mu2sls.engine");

    private final EngineMetrics metrics;
    private final Tracer tracer;
    /** The delivery this thread runs; deliveries nest when a platform runs a call on the caller's thread. */
    private final ThreadLocal<Delivery> current = new ThreadLocal<>();

    private final RecoveryDigest digest = new RecoveryDigest(LOG, TimeUnit.SECONDS.toNanos(10));

    TelemetryObserver(EngineMetrics metrics, Tracer tracer) {
        this.metrics = metrics;
        this.tracer = tracer;
    }

    /** One delivery in progress on this thread. */
    private static final class Delivery {
        final Invocation invocation;
        int executions;
        /** The journal step the current execution is at, or -1 before its first. */
        int step = -1;

        Delivery(Invocation invocation) {
            this.invocation = invocation;
        }
    }

    @Override
    public Response delivery(Invocation invocation, Supplier<Response> delivery) {
        Delivery outer = current.get();
        current.set(new Delivery(invocation));
        LogContext log = LogContext.enter(invocation);
        Span span = traced() ? deliverySpan(invocation) : null;
        Scope scope = span == null ? null : span.makeCurrent();
        EngineMetrics.MethodMeters meters = metrics == null ? null : metrics.method(invocation);
        if (invocation.attempt() > 0) {
            if (meters != null) {
                meters.reexecutions.increment();
            }
            digest.redelivered();
            LOG.debug(
                    "re-delivery {} of request {} to {}.{}",
                    invocation.attempt(),
                    invocation.requestId(),
                    invocation.service(),
                    invocation.method());
        }
        if (metrics != null) {
            metrics.running.incrementAndGet();
        }
        long started = System.nanoTime();
        RequestOutcome outcome = RequestOutcome.ERROR;
        try {
            Response response = delivery.get();
            outcome = response.ok() ? RequestOutcome.OK : RequestOutcome.FAILED;
            return response;
        } catch (InvalidRequestException e) {
            outcome = RequestOutcome.INVALID;
            throw e;
        } catch (ExecutionExpiredException e) {
            outcome = RequestOutcome.EXPIRED;
            LOG.info("{}", e.getMessage());
            throw e;
        } catch (RuntimeException | Error e) {
            LOG.debug("delivery of request {} stopped before a response: {}", invocation.requestId(), e.toString());
            if (span != null) {
                span.recordException(e);
            }
            throw e;
        } finally {
            if (meters != null) {
                meters.delivered(outcome, System.nanoTime() - started);
                metrics.running.decrementAndGet();
            }
            if (span != null) {
                span.setAttribute(OUTCOME, outcome.tag);
                if (outcome == RequestOutcome.ERROR) {
                    span.setStatus(StatusCode.ERROR);
                }
                scope.close();
                span.end();
            }
            log.exit();
            current.set(outer);
        }
    }

    private Span deliverySpan(Invocation invocation) {
        Span span = tracer.spanBuilder(invocation.service() + "." + invocation.method())
                .setSpanKind(SpanKind.SERVER)
                .startSpan();
        if (span.isRecording()) { // attributes only for spans that are kept: most are not, when sampling
            span.setAttribute(REQUEST_ID, invocation.requestId())
                    .setAttribute(DELIVERY_ATTEMPT, (long) invocation.attempt())
                    .setAttribute(RPC_SERVICE, invocation.service())
                    .setAttribute(RPC_METHOD, invocation.method());
            if (invocation.transactionId() != null) {
                span.setAttribute(TRANSACTION_ID, invocation.transactionId());
            }
        }
        return span;
    }

    /**
     * Whether to build spans here: tracing is on and the trace this thread is in (if any) is
     * sampled. A child of a span that is not sampled is not sampled either (the samplers follow
     * the parent, or decide by trace id alike), so none is built: a sampled-out request costs
     * one span, its root.
     */
    private boolean traced() {
        if (tracer == null) {
            return false;
        }
        SpanContext parent = Span.current().getSpanContext();
        return !parent.isValid() || parent.isSampled();
    }

    @Override
    public Attempt attemptStarted(Invocation invocation) {
        Delivery delivery = current.get();
        int execution = delivery == null ? 0 : delivery.executions++;
        if (delivery != null) {
            delivery.step = -1;
        }
        MDC.remove(LogContext.STEP); // a re-run starts over from step 0
        Span span = traced()
                ? tracer.spanBuilder("attempt")
                        .setAttribute(REQUEST_ID, invocation.requestId())
                        .setAttribute(EXECUTION, (long) execution)
                        .startSpan()
                : null;
        return new ObservedAttempt(invocation, delivery, span, span == null ? null : span.makeCurrent());
    }

    /** One execution: puts its step in the MDC, counts and logs replays and fencing, and ends its span. */
    private final class ObservedAttempt implements Attempt {
        private final Invocation invocation;
        /** The delivery it runs in, or null when the platform reported none. */
        private final Delivery delivery;

        private final Span span;
        private final Scope scope;
        private String outcome = "error";

        ObservedAttempt(Invocation invocation, Delivery delivery, Span span, Scope scope) {
            this.invocation = invocation;
            this.delivery = delivery;
            this.span = span;
            this.scope = scope;
        }

        @Override
        public void stepStarted(int step) {
            MDC.put(LogContext.STEP, LogContext.step(step));
            if (delivery != null) {
                delivery.step = step;
            }
        }

        @Override
        public void completed() {
            outcome = "completed";
        }

        @Override
        public void replayed() {
            outcome = "replay";
            if (metrics != null) {
                metrics.method(invocation).replays.increment();
            }
            digest.replayed();
            LOG.debug(
                    "request {} replays from its journal (a read changed or the journal grew)", invocation.requestId());
        }

        @Override
        public void fenced() {
            outcome = "fenced";
            if (metrics != null) {
                metrics.method(invocation).fenced.increment();
            }
            digest.fenced();
            LOG.debug(
                    "fenced: another execution completed request {} ({}.{}); this one stopped and returns its response",
                    invocation.requestId(),
                    invocation.service(),
                    invocation.method());
        }

        @Override
        public void close() {
            if (span != null) {
                span.setAttribute(OUTCOME, outcome);
                scope.close();
                span.end();
            }
        }
    }

    @Override
    public <T> T storeCommit(Supplier<T> commit) {
        if (metrics == null && tracer == null) {
            return commit.get();
        }
        Delivery delivery = current.get();
        Span span = null;
        if (traced()) {
            span = tracer.spanBuilder("store commit").startSpan();
            if (delivery != null) {
                span.setAttribute(REQUEST_ID, delivery.invocation.requestId());
                if (delivery.step >= 0) {
                    span.setAttribute(STEP, (long) delivery.step);
                }
            }
        }
        long started = System.nanoTime();
        boolean ok = false;
        try {
            T result = commit.get();
            ok = true;
            return result;
        } finally {
            if (metrics != null) {
                metrics.service(delivery == null ? "housekeeping" : delivery.invocation.service())
                        .storeCommitted(ok, System.nanoTime() - started);
            }
            if (span != null) {
                if (!ok) {
                    span.setStatus(StatusCode.ERROR);
                }
                span.end();
            }
        }
    }

    @Override
    public void transactionEnded(
            Invocation invocation, String transactionId, int step, TransactionOutcome outcome, long startedNanos) {
        if (metrics != null) {
            metrics.service(invocation.service()).transactionEnded(outcome);
        }
        if (outcome == TransactionOutcome.CONFLICT) {
            digest.conflicted();
            LOG.debug(
                    "transaction {} found a stale read at commit; request {} runs it again",
                    transactionId,
                    invocation.requestId());
        }
        if (traced()) {
            long elapsed = System.nanoTime() - startedNanos;
            Instant now = Instant.now();
            tracer.spanBuilder(outcome == TransactionOutcome.ABORTED ? "transaction abort" : "transaction commit")
                    .setStartTimestamp(now.minusNanos(elapsed))
                    .setAttribute(REQUEST_ID, invocation.requestId())
                    .setAttribute(TRANSACTION_ID, transactionId)
                    .setAttribute(STEP, (long) step)
                    .setAttribute(OUTCOME, outcome.name().toLowerCase(Locale.ROOT))
                    .startSpan()
                    .end(now);
        }
    }

    @Override
    public void requestQuarantined(Invocation invocation, String report) {
        if (metrics != null) {
            metrics.method(invocation).quarantined.increment();
        }
    }

    @Override
    public void pendingTransactions(int pending) {
        if (metrics != null) {
            metrics.pendingTransactions.set(pending);
        }
    }

    @Override
    public CallTransport calls(CallTransport transport) {
        if (tracer == null) {
            return transport;
        }
        return invocation -> {
            if (!traced()) {
                return transport.call(invocation);
            }
            String id = invocation.requestId();
            Span span = tracer.spanBuilder("call " + invocation.service() + "." + invocation.method())
                    .setSpanKind(SpanKind.CLIENT)
                    .setAttribute(REQUEST_ID, id)
                    .setAttribute(STEP, Long.parseLong(id.substring(id.lastIndexOf('/') + 1)))
                    .setAttribute(RPC_SERVICE, invocation.service())
                    .setAttribute(RPC_METHOD, invocation.method())
                    .startSpan();
            Scope scope = span.makeCurrent();
            try {
                return transport.call(invocation);
            } catch (RuntimeException | Error e) {
                span.recordException(e);
                span.setStatus(StatusCode.ERROR);
                throw e;
            } finally {
                scope.close();
                span.end();
            }
        };
    }

    @Override
    public ExecutorService asyncCalls(ExecutorService executor) {
        return tracer == null ? executor : Context.taskWrapping(executor);
    }

    /**
     * The MDC keys of a delivery, and the values they had before it (a nested delivery restores its
     * caller's). {@code step} is the journal step its current execution is at, set as each begins.
     */
    private record LogContext(
            String requestId, String service, String method, String attempt, String transactionId, String step) {
        static final String REQUEST_ID = "request_id";
        static final String SERVICE = "service";
        static final String METHOD = "method";
        static final String ATTEMPT = "attempt";
        static final String TRANSACTION_ID = "transaction_id";
        static final String STEP = "step";
        /** The text of the first steps, so that a step costs the MDC no allocation. */
        private static final String[] STEPS =
                IntStream.range(0, 256).mapToObj(Integer::toString).toArray(String[]::new);

        static String step(int step) {
            return step < STEPS.length ? STEPS[step] : Integer.toString(step);
        }

        static LogContext enter(Invocation invocation) {
            LogContext before = new LogContext(
                    MDC.get(REQUEST_ID),
                    MDC.get(SERVICE),
                    MDC.get(METHOD),
                    MDC.get(ATTEMPT),
                    MDC.get(TRANSACTION_ID),
                    MDC.get(STEP));
            MDC.put(REQUEST_ID, invocation.requestId());
            MDC.put(SERVICE, invocation.service());
            MDC.put(METHOD, invocation.method());
            MDC.put(ATTEMPT, Integer.toString(invocation.attempt()));
            set(TRANSACTION_ID, invocation.transactionId());
            MDC.remove(STEP);
            return before;
        }

        void exit() {
            set(REQUEST_ID, requestId);
            set(SERVICE, service);
            set(METHOD, method);
            set(ATTEMPT, attempt);
            set(TRANSACTION_ID, transactionId);
            set(STEP, step);
        }

        private static void set(String key, String value) {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        }
    }
}
