package dev.mu2sls.examples;

import static dev.mu2sls.examples.ContentionWaitTest.submit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.core.CallTransport;
import dev.mu2sls.core.Engine;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.Response;
import dev.mu2sls.examples.tickets.BoxDispatcher;
import dev.mu2sls.examples.tickets.TicketDispatcher;
import dev.mu2sls.examples.travel.FlightDispatcher;
import dev.mu2sls.examples.travel.FrontendDispatcher;
import dev.mu2sls.examples.travel.HotelDispatcher;
import dev.mu2sls.examples.travel.OrderDispatcher;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.simulator.AfterRunCheck;
import dev.mu2sls.store.MemoryStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Participants of a transaction coordinated here, called in-process ({@code
 * Engine.Builder.inProcessCalls}), complete with the coordinator's commit: W5's booking, whose two
 * reservations then write no provisional records and run no store transaction of their own. A
 * duplicate of a participant delivered while its completion waits for the commit answers as the
 * coordinator heard: the pending completion is recorded first, and the duplicate finds it.
 */
@Timeout(60)
class InlineParticipantsTest {
    private final MemoryStore store = new MemoryStore();
    /** Each participant's first delivery, and the response it answered. */
    private final Map<Invocation, Response> reservations = new ConcurrentHashMap<>();

    @Test
    void reservationsCalledInProcess_completeWithTheCommit_andRunNoStoreTransactionOfTheirOwn() {
        long inline = commitsPerBooking(true);
        long persisted = commitsPerBooking(false);

        assertThat(persisted - inline)
                .as(
                        "store transactions saved per booking: one per reservation (%d inline, %d persisted)",
                        inline, persisted)
                .isEqualTo(2);
    }

    /** Store commits of one booking (after a first one, which warms the caches), in an engine inlining or not. */
    private long commitsPerBooking(boolean inProcess) {
        MemoryStore own = new MemoryStore();
        try (Engine engine = engine(own, inProcess, UnaryOperator.identity())) {
            open(engine, 10);
            assertThat(book(engine, "warm-up").ok()).isTrue();
            long before = own.stats().commits();
            assertThat(book(engine, "measured").ok()).isTrue();
            long commits = own.stats().commits() - before;

            assertThat(ContentionWaitTest.booked(engine)).isEqualTo(2);
            assertThat(AfterRunCheck.problems(own))
                    .as("no provisional record, no pending status")
                    .isEmpty();
            reservations.forEach((invocation, answered) -> assertThat(engine.invoke(invocation))
                    .as("a later duplicate of %s answers from its completion record", invocation.requestId())
                    .isEqualTo(answered));
            reservations.clear();
            return commits;
        }
    }

    @Test
    void aDuplicateOfAParticipantWhoseCompletionIsPending_answersAsTheCoordinatorHeard() {
        Response[] duplicate = new Response[1];
        try (Engine engine = engine(store, true, issue -> invocation -> {
            Response issued = issue.call(invocation);
            if (invocation.service().equals("Ticket") && duplicate[0] == null) {
                // its completion waits for the commit: a duplicate arrives on another thread and
                // draws a number of its own, unless it finds the first's recorded
                duplicate[0] = CompletableFuture.supplyAsync(() -> issue.call(invocation), Thread.ofVirtual()::start)
                        .join();
            }
            return issued;
        })) {
            Response heard = submit(engine, "only", "Box", "issue", "[\"concert\"]");
            assertThat(heard.ok()).isTrue();

            assertThat(duplicate[0]).as("the duplicate's answer").isEqualTo(heard);
            assertThat(submit(engine, "read", "Ticket", "last", "[\"concert\"]").value())
                    .as("the number the commit applied")
                    .isEqualTo(heard.value());
            assertThat(AfterRunCheck.problems(store)).isEmpty();
        }
    }

    /**
     * An engine with W5's services on {@code on}, whose calls go to itself, on the calling thread
     * ({@code inProcess}: said to be, so that participants may complete inline), through {@code
     * around} the delivery.
     */
    private Engine engine(MemoryStore on, boolean inProcess, UnaryOperator<CallTransport> around) {
        Engine[] self = new Engine[1];
        CallTransport delivery = invocation -> {
            Response response = self[0].invoke(invocation);
            if (invocation.method().equals("reserve") || invocation.method().equals("issue")) {
                reservations.putIfAbsent(invocation, response);
            }
            return response;
        };
        Engine.Builder builder = Engine.builder()
                .store(on)
                .codec(new JsonCodec())
                .services(List.of(
                        new FrontendDispatcher(),
                        new HotelDispatcher(),
                        new FlightDispatcher(),
                        new OrderDispatcher(),
                        new BoxDispatcher(),
                        new TicketDispatcher()))
                .transport(around.apply(delivery));
        if (inProcess) {
            builder.inProcessCalls(invocation -> true);
        }
        self[0] = builder.build();
        return self[0];
    }

    private static void open(Engine engine, int capacity) {
        submit(engine, "open-h0", "Hotel", "open", "[\"h0\", " + capacity + "]");
        submit(engine, "open-f0", "Flight", "open", "[\"f0\", " + capacity + "]");
    }

    private static Response book(Engine engine, String id) {
        return submit(engine, id, "Frontend", "book", "[\"u-" + id + "\", \"f0\", \"h0\"]");
    }
}
