package dev.mu2sls.http;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.Map;

/**
 * W3C trace context across HTTP: what a caller sends ({@code traceparent}, {@code tracestate})
 * and what a server continues, with the global OpenTelemetry's propagators ({@code Telemetry}
 * installs the SDK's when tracing is on). With tracing off no span is valid, so nothing is sent,
 * and a request without a {@code traceparent} is not parsed.
 */
final class TraceHeaders {
    private static final String TRACEPARENT = "traceparent";
    private static final TextMapGetter<HttpCall> FROM_CALL = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpCall call) {
            return call.headers().keySet();
        }

        @Override
        public String get(HttpCall call, String key) {
            return call == null ? null : call.header(key);
        }
    };

    private TraceHeaders() {}

    /** The headers naming {@code context}'s span as the parent of the callee's; empty without a valid span. */
    static Map<String, String> of(Context context) {
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return Map.of();
        }
        Map<String, String> headers = new HashMap<>(2);
        GlobalOpenTelemetry.getPropagators().getTextMapPropagator().inject(context, headers, Map::put);
        return headers;
    }

    /** The trace context {@code call} continues, or the current one if it sent none. */
    static Context extract(HttpCall call) {
        if (call.header(TRACEPARENT) == null) {
            return Context.current();
        }
        return GlobalOpenTelemetry.getPropagators().getTextMapPropagator().extract(Context.current(), call, FROM_CALL);
    }

    /** Makes the trace context {@code call} sent current; close the scope on the same thread. */
    static Scope continueTrace(HttpCall call) {
        return call.header(TRACEPARENT) == null ? Scope.noop() : extract(call).makeCurrent();
    }
}
