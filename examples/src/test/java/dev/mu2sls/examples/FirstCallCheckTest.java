package dev.mu2sls.examples;

import static dev.mu2sls.examples.CountedReads.submit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.core.Engine;
import dev.mu2sls.core.Inspector;
import dev.mu2sls.core.Response;
import dev.mu2sls.json.JsonCodec;
import org.junit.jupiter.api.Test;

/**
 * A first delivery skips reading its request record, but the record must be checked before its
 * first call leaves: a duplicate of a request completed long ago must not re-issue calls whose
 * callees' records may have expired. With steps buffered before that call, persisting them is the
 * check (the record's insert fails for a duplicate) and saves the read; with none, the record is
 * read. Counted on a store that counts the reads of request records outside a commit ({@link CountedReads}).
 */
class FirstCallCheckTest {
    @Test
    void booking_itsBeginBufferedBeforeTheFirstCall_persistsItInsteadOfReadingTheRecord() {
        CountedReads store = new CountedReads('R'); // request records
        try (Engine engine = store.engine(Workloads.W5)) {
            submit(engine, "open-h", "Hotel", "open", "[\"h\", 5]");
            submit(engine, "open-f", "Flight", "open", "[\"f\", 5]");
            store.reset();

            Response booked = submit(engine, "b1", "Frontend", "book", "[\"ann\", \"f\", \"h\"]");

            assertThat(booked.ok()).isTrue();
            assertThat(store.reads())
                    .as("request records read outside a commit by a fresh booking")
                    .isZero();
        }
    }

    @Test
    void chain_nothingBufferedBeforeTheFirstCall_readsTheRecordOnce() {
        CountedReads store = new CountedReads('R'); // request records
        try (Engine engine = store.engine(Workloads.W2)) {
            submit(engine, "c1", "Caller1", "add", "[\"k\", 3]");

            assertThat(store.reads())
                    .as("each first call of Caller1.add and Caller2.add checks its record with a read")
                    .isEqualTo(2);
        }
    }

    @Test
    void booking_deliveredAgainAsAFirstDeliveryAfterItCompleted_answersItsResponse_reservesNothingAgain() {
        CountedReads store = new CountedReads('R'); // request records
        try (Engine engine = store.engine(Workloads.W5)) {
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
}
