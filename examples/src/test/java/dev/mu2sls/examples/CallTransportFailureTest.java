package dev.mu2sls.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mu2sls.core.Engine;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.Response;
import dev.mu2sls.examples.chain.Caller1Dispatcher;
import dev.mu2sls.examples.chain.Caller2Dispatcher;
import dev.mu2sls.examples.counter.CounterDispatcher;
import dev.mu2sls.examples.outage.GuardedCallerDispatcher;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.store.MemoryStore;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A call's transport that throws what is not the callee's answer (over HTTP: a refusal by
 * whatever process answers at a stale address, a reply that is not a response) breaks
 * CallTransport's contract; the engine treats it as a crash of the delivery, never as the
 * request's outcome: nothing is recorded, whatever the handler catches, an un-awaited call is not
 * forgotten, and the retry with the same id applies the call once. The specification's calls
 * always reach their callee, so no answer may rest on such a failure.
 */
class CallTransportFailureTest {
    private static final String REFUSAL = "injected: 403 from a process that is not Counter";

    private final MemoryStore store = new MemoryStore();
    private final AtomicInteger refusalsLeft = new AtomicInteger();

    @Test
    void calleeTwoHopsDownUnreachable_noHopAnswersWithTheFailure_andTheRetryAppliesOnce() {
        try (Engine engine = engine()) {
            refusalsLeft.set(1);

            assertThatThrownBy(() -> submit(engine, "chain", 0, "Caller1", "add", "[\"k\", 3]"))
                    .hasMessage(REFUSAL);
            assertThat(value(submit(engine, "chain", 1, "Caller1", "add", "[\"k\", 3]")))
                    .isEqualTo("3");

            assertThat(counter(engine)).as("applied once").isEqualTo("3");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"addOrMinusOne", "addAsyncOrMinusOne"})
    void handlerCatchesTheFailedCall_itsFallbackIsNotRecorded_andTheRetryAnswersTheCallee(String method) {
        try (Engine engine = engine()) {
            refusalsLeft.set(1);

            assertThatThrownBy(() -> submit(engine, "guarded", 0, "GuardedCaller", method, "[\"k\", 5]"))
                    .hasMessage(REFUSAL);
            assertThat(value(submit(engine, "guarded", 1, "GuardedCaller", method, "[\"k\", 5]")))
                    .as("the callee's answer, not the guarded fallback")
                    .isEqualTo("5");
            assertThat(value(submit(engine, "guarded", 2, "GuardedCaller", method, "[\"k\", 5]")))
                    .as("what was recorded")
                    .isEqualTo("5");

            assertThat(counter(engine)).as("applied once").isEqualTo("5");
        }
    }

    @Test
    void unawaitedCallUndelivered_theRequestDoesNotComplete_andTheRetryAppliesItOnce() {
        try (Engine engine = engine()) {
            refusalsLeft.set(1);

            assertThatThrownBy(() -> submit(engine, "unawaited", 0, "GuardedCaller", "addUnawaited", "[\"k\", 7]"))
                    .hasMessage(REFUSAL);
            assertThat(counter(engine)).as("not delivered yet").isEqualTo("0");

            assertThat(value(submit(engine, "unawaited", 1, "GuardedCaller", "addUnawaited", "[\"k\", 7]")))
                    .isEqualTo("7");
            assertThat(counter(engine)).as("applied once").isEqualTo("7");
        }
    }

    /** Services in one engine whose transport refuses the next {@link #refusalsLeft} calls to Counter. */
    private Engine engine() {
        Engine[] self = new Engine[1];
        self[0] = Engine.builder()
                .store(store)
                .codec(new JsonCodec())
                .services(List.of(
                        new Caller1Dispatcher(),
                        new Caller2Dispatcher(),
                        new CounterDispatcher(),
                        new GuardedCallerDispatcher()))
                .transport(invocation -> {
                    if (invocation.service().equals("Counter") && refusalsLeft.getAndDecrement() > 0) {
                        throw new IllegalStateException(REFUSAL);
                    }
                    return self[0].invoke(invocation);
                })
                .build();
        return self[0];
    }

    private static String counter(Engine engine) {
        return value(submit(engine, "read-" + System.nanoTime(), 0, "Counter", "add", "[\"k\", 0]"));
    }

    private static Response submit(Engine engine, String id, int attempt, String service, String method, String json) {
        return engine.submit(new Invocation(id, service, method, json.getBytes(UTF_8), attempt));
    }

    private static String value(Response response) {
        assertThat(response.ok()).as(response.toString()).isTrue();
        return new String(response.value(), UTF_8);
    }
}
