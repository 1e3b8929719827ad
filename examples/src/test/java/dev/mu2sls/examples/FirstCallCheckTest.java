package dev.mu2sls.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.core.Engine;
import dev.mu2sls.core.Inspector;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.Response;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.spi.ServiceDefinition;
import dev.mu2sls.store.ForwardingStore;
import dev.mu2sls.store.MemoryStore;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A first delivery skips reading its request record, but the record must be checked before its
 * first call leaves: a duplicate of a request completed long ago must not re-issue calls whose
 * callees' records may have expired. With steps buffered before that call, persisting them is the
 * check (the record's insert fails for a duplicate) and saves the read; with none, the record is
 * read. Counted on a store that records the reads of a request record outside a commit.
 */
class FirstCallCheckTest {
    private static final byte REQUEST_RECORD = 'R';

    @Test
    void booking_itsBeginBufferedBeforeTheFirstCall_persistsItInsteadOfReadingTheRecord() {
        RecordReads store = new RecordReads();
        try (Engine engine = engine(store, Workloads.W5)) {
            submit(engine, "open-h", "Hotel", "open", "[\"h\", 5]");
            submit(engine, "open-f", "Flight", "open", "[\"f\", 5]");
            store.reads.set(0);

            Response booked = submit(engine, "b1", "Frontend", "book", "[\"ann\", \"f\", \"h\"]");

            assertThat(booked.ok()).isTrue();
            assertThat(store.reads.get())
                    .as("request records read outside a commit by a fresh booking")
                    .isZero();
        }
    }

    @Test
    void chain_nothingBufferedBeforeTheFirstCall_readsTheRecordOnce() {
        RecordReads store = new RecordReads();
        try (Engine engine = engine(store, Workloads.W2)) {
            submit(engine, "c1", "Caller1", "add", "[\"k\", 3]");

            assertThat(store.reads.get())
                    .as("each first call of Caller1.add and Caller2.add checks its record with a read")
                    .isEqualTo(2);
        }
    }

    @Test
    void booking_deliveredAgainAsAFirstDeliveryAfterItCompleted_answersItsResponse_reservesNothingAgain() {
        RecordReads store = new RecordReads();
        try (Engine engine = engine(store, Workloads.W5)) {
            submit(engine, "open-h", "Hotel", "open", "[\"h\", 5]");
            submit(engine, "open-f", "Flight", "open", "[\"f\", 5]");
            Response first = submit(engine, "b1", "Frontend", "book", "[\"ann\", \"f\", \"h\"]");

            Response again = submit(engine, "b1", "Frontend", "book", "[\"ann\", \"f\", \"h\"]");

            assertThat(again).isEqualTo(first);
            assertThat(new Inspector(store, new JsonCodec()).dumpState())
                    .containsEntry("Hotel.rooms[\"h\"]", "{\"total\":5,\"booked\":1}")
                    .containsEntry("Flight.seats[\"f\"]", "{\"total\":5,\"booked\":1}");
        }
    }

    private static Engine engine(RecordReads store, List<ServiceDefinition> services) {
        Engine[] engine = new Engine[1];
        engine[0] = Engine.builder()
                .store(store)
                .codec(new JsonCodec())
                .services(services)
                .transport(invocation -> engine[0].invoke(invocation))
                .build();
        return engine[0];
    }

    /** A client request's first delivery (attempt 0), accepted durably. */
    private static Response submit(Engine engine, String id, String service, String method, String json) {
        return engine.submit(new Invocation(id, service, method, json.getBytes(UTF_8), 0));
    }

    /** Counts point reads of request records outside a store transaction. */
    private static final class RecordReads extends ForwardingStore {
        final AtomicInteger reads = new AtomicInteger();

        RecordReads() {
            super(new MemoryStore());
        }

        @Override
        public byte[] get(byte[] key) {
            count(key);
            return super.get(key);
        }

        @Override
        public List<byte[]> getAll(List<byte[]> keys) {
            keys.forEach(this::count);
            return super.getAll(keys);
        }

        private void count(byte[] key) {
            if (key.length > 1 && key[0] == REQUEST_RECORD) {
                reads.incrementAndGet();
            }
        }
    }
}
