package dev.mu2sls.examples;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mu2sls.core.CallTransport;
import dev.mu2sls.core.Engine;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.Response;
import dev.mu2sls.examples.chain.Caller1Dispatcher;
import dev.mu2sls.examples.chain.Caller2Dispatcher;
import dev.mu2sls.examples.counter.CounterDispatcher;
import dev.mu2sls.examples.outage.GuardedDispatcher;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.spi.ServiceDefinition;
import dev.mu2sls.store.ForwardingStore;
import dev.mu2sls.store.ForwardingStoreTransaction;
import dev.mu2sls.store.MemoryStore;
import dev.mu2sls.store.StoreTransaction;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The store failing under a handler (a read or a persist refused: PostgreSQL unreachable for a
 * moment) is a crash of the delivery, not the request's outcome: nothing is recorded, whatever
 * the handler catches, and the retry with the same id answers as the specification, whose reads
 * never fail, does. A callee delivered in-process that fails so fails alone.
 */
class StoreOutageTest {
    private static final String FAILURE = "injected: the store is unreachable";

    private final FlakyStore store = new FlakyStore();

    @Test
    void readFailsUnderAHandlerThatCatchesIt_deliveryFailsUnrecorded_andTheRetryAnswersTheValue() {
        try (Engine engine = engine(List.of(new GuardedDispatcher()), null)) {
            assertThat(value(submit(engine, "add", 0, "Guarded", "add", "[\"k\", 5]")))
                    .isEqualTo("5");
        }
        try (Engine cold = engine(List.of(new GuardedDispatcher()), null)) {
            store.failReadsOf("counts", 1);

            assertThatThrownBy(() -> submit(cold, "read", 0, "Guarded", "readOrMinusOne", "[\"k\"]"))
                    .hasMessage(FAILURE);

            assertThat(value(submit(cold, "read", 1, "Guarded", "readOrMinusOne", "[\"k\"]")))
                    .as("the retry, not the guarded fallback")
                    .isEqualTo("5");
            assertThat(value(submit(cold, "read", 2, "Guarded", "readOrMinusOne", "[\"k\"]")))
                    .as("what was recorded")
                    .isEqualTo("5");
            assertThat(store.failed()).isEqualTo(1);
        }
    }

    @Test
    void persistBeforeACallFails_theCallerIsNotAnsweredWithTheFailure_andTheRetryAppliesOnce() {
        try (Engine engine =
                engine(List.of(new Caller1Dispatcher(), new Caller2Dispatcher(), new CounterDispatcher()), null)) {
            store.failCommitsWriting(
                    "chain-1", 1); // the first write of the request's records: its persist before its first call

            assertThatThrownBy(() -> submit(engine, "chain-1", 0, "Caller1", "add", "[\"k\", 3]"))
                    .hasMessage(FAILURE);
            assertThat(value(submit(engine, "chain-1", 1, "Caller1", "add", "[\"k\", 3]")))
                    .isEqualTo("3");

            assertThat(value(submit(engine, "total", 0, "Counter", "add", "[\"k\", 0]")))
                    .as("applied once")
                    .isEqualTo("3");
        }
    }

    @Test
    void calleeInProcessFails_itsCallerRetriesIt_andCarriesOnInTheSameExecution() {
        AtomicInteger calleeFailures = new AtomicInteger();
        Engine[] engine = new Engine[1];
        CallTransport retrying = invocation -> {
            for (int attempt = invocation.attempt(); ; attempt++) {
                try {
                    return engine[0].invoke(invocation.withAttempt(attempt));
                } catch (IllegalStateException unavailable) {
                    calleeFailures.incrementAndGet(); // as an HTTP caller retries a 503
                }
            }
        };
        engine[0] =
                engine(List.of(new Caller1Dispatcher(), new Caller2Dispatcher(), new CounterDispatcher()), retrying);
        try (Engine chain = engine[0]) {
            // Counter's completion, two calls deep: after its handler returned, still inside its callers'
            store.failCommitsWriting("counts", 1);

            assertThat(value(submit(chain, "chain-2", 0, "Caller1", "add", "[\"k\", 4]")))
                    .as("answered by its first delivery")
                    .isEqualTo("4");
            assertThat(calleeFailures).hasValue(1);
        }
    }

    private Engine engine(List<ServiceDefinition> services, CallTransport transport) {
        Engine[] self = new Engine[1];
        self[0] = Engine.builder()
                .store(store)
                .codec(new JsonCodec())
                .services(services)
                .transport(transport != null ? transport : invocation -> self[0].invoke(invocation))
                .build();
        return self[0];
    }

    private static Response submit(Engine engine, String id, int attempt, String service, String method, String json) {
        return engine.submit(new Invocation(id, service, method, json.getBytes(UTF_8), attempt));
    }

    private static String value(Response response) {
        assertThat(response.ok()).as(response.toString()).isTrue();
        return new String(response.value(), UTF_8);
    }

    /** An in-memory store whose reads or commits of some keys fail a given number of times. */
    private static final class FlakyStore extends ForwardingStore {
        private final AtomicInteger failuresLeft = new AtomicInteger();
        private final AtomicInteger failed = new AtomicInteger();
        private volatile String failing = "\u0000";
        private volatile boolean reads;

        FlakyStore() {
            super(new MemoryStore());
        }

        /** The next {@code times} point reads of keys containing {@code keyText} fail. */
        void failReadsOf(String keyText, int times) {
            fail(keyText, times, true);
        }

        /** The next {@code times} commits writing a key containing {@code keyText} fail. */
        void failCommitsWriting(String keyText, int times) {
            fail(keyText, times, false);
        }

        private void fail(String keyText, int times, boolean failReads) {
            failing = keyText;
            reads = failReads;
            failuresLeft.set(times);
        }

        int failed() {
            return failed.get();
        }

        @Override
        public byte[] get(byte[] key) {
            if (reads) {
                maybeFail(key);
            }
            return super.get(key);
        }

        @Override
        public List<byte[]> getAll(List<byte[]> keys) {
            if (reads) {
                keys.forEach(this::maybeFail);
            }
            return super.getAll(keys);
        }

        @Override
        protected StoreTransaction decorate(StoreTransaction transaction) {
            return new ForwardingStoreTransaction(transaction) {
                private byte[] written;

                @Override
                public void put(byte[] key, byte[] value) {
                    written = written == null && touches(key) ? key : written;
                    super.put(key, value);
                }

                @Override
                public void commit() {
                    if (written != null && !reads) {
                        maybeFail(written);
                    }
                    super.commit();
                }
            };
        }

        private boolean touches(byte[] key) {
            return new String(key, ISO_8859_1).contains(failing);
        }

        private void maybeFail(byte[] key) {
            if (touches(key) && failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                failed.incrementAndGet();
                throw new IllegalStateException(FAILURE);
            }
        }
    }
}
