package dev.mu2sls.examples;

import static dev.mu2sls.examples.ContentionWaitTest.awaitUninterruptibly;
import static dev.mu2sls.examples.ContentionWaitTest.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mu2sls.core.Engine;
import dev.mu2sls.core.Response;
import dev.mu2sls.examples.travel.FlightDispatcher;
import dev.mu2sls.examples.travel.FrontendDispatcher;
import dev.mu2sls.examples.travel.HotelDispatcher;
import dev.mu2sls.examples.travel.OrderDispatcher;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.store.MemoryStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ContentionWaitTest} with the hotels in a process of their own, as when each service is
 * deployed alone: the bookings' transactions are coordinated in the other engine, whose commits the
 * hotels' engine never sees. The second booking's reservation, about to read the room count the
 * first's reservation wrote there, waits until the store shows the first's transaction ended, and
 * neither conflicts. Without the wait, the second reads the count the first's commit replaces, and
 * the first conflicts and runs again.
 */
@Timeout(60) // a hang guard: the waits below end when the test releases them
class RemoteContentionWaitTest {
    private final MemoryStore store = new MemoryStore();
    /** The first booking's hotel reservation returned and its flight reservation is held: its transaction is open. */
    private final CountDownLatch firstHeldOpen = new CountDownLatch(2);

    private final CountDownLatch releaseFirstFlight = new CountDownLatch(1);

    @Test
    void reservationOfAKeyWrittenForATransactionElsewhere_waitsForItsEnd_andNeitherConflicts() throws Exception {
        try (Deployment deployment = new Deployment(Duration.ofMinutes(10))) {
            CompletableFuture<Response> first = deployment.bookAsync("first", "f0");
            firstHeldOpen.await(); // its hotel reservation wrote h0's rooms in the hotels' engine

            CompletableFuture<Response> second = deployment.bookAsync("second", "f1");
            await().until(() -> deployment.hotels.stats().contentionWaits() == 1);
            assertThat(second).as("waiting for the first to end").isNotDone();

            releaseFirstFlight.countDown();
            assertThat(first.get().ok()).isTrue();
            assertThat(second.get().ok()).isTrue();

            assertThat(deployment.bookings.stats().transactionConflicts()).isZero();
            assertThat(deployment.bookings.stats().transactionsCommitted()).isEqualTo(2);
            assertThat(deployment.booked()).isEqualTo(2);
        }
    }

    @Test
    void readersWokenByOneEnd_takeTurns_andNoneConflicts() throws Exception {
        try (Deployment deployment = new Deployment(Duration.ofMinutes(10))) {
            CompletableFuture<Response> first = deployment.bookAsync("first", "f0");
            firstHeldOpen.await();
            CompletableFuture<Response> second = deployment.bookAsync("second", "f1");
            await().until(() -> deployment.hotels.stats().contentionWaits() == 1);
            CompletableFuture<Response> third = deployment.bookAsync("third", "f2");
            await().until(() -> deployment.hotels.stats().contentionWaits() == 2);

            releaseFirstFlight.countDown();
            assertThat(first.get().ok()).isTrue();
            assertThat(second.get().ok()).isTrue();
            assertThat(third.get().ok()).isTrue();

            assertThat(deployment.bookings.stats().transactionConflicts())
                    .as("the later of the two woken waited for the other's write too")
                    .isZero();
            assertThat(deployment.booked()).isEqualTo(3);
        }
    }

    @Test
    void withoutTheWait_theSecondReadsTheCountTheFirstReplaces_andTheFirstConflicts() throws Exception {
        try (Deployment deployment = new Deployment(Duration.ZERO)) {
            CompletableFuture<Response> first = deployment.bookAsync("first", "f0");
            firstHeldOpen.await();

            assertThat(deployment.bookAsync("second", "f1").get().ok()).isTrue();
            releaseFirstFlight.countDown();
            assertThat(first.get().ok()).isTrue();

            assertThat(deployment.hotels.stats().contentionWaits()).isZero();
            assertThat(deployment.bookings.stats().transactionConflicts()).isEqualTo(1);
            assertThat(deployment.booked()).isEqualTo(2);
        }
    }

    /**
     * Two engines on one store: the hotels alone, with the given contention wait, and the other
     * three services, whose calls to Hotel go to the first. The first booking's flight reservation
     * is held until released.
     */
    private final class Deployment implements AutoCloseable {
        final Engine hotels;
        final Engine bookings;

        Deployment(Duration hotelsContentionWait) {
            hotels = Engine.builder()
                    .store(store)
                    .codec(new JsonCodec())
                    .service(new HotelDispatcher())
                    .contentionWait(hotelsContentionWait)
                    .build();
            Engine[] self = new Engine[1];
            self[0] = Engine.builder()
                    .store(store)
                    .codec(new JsonCodec())
                    .services(List.of(new FrontendDispatcher(), new FlightDispatcher(), new OrderDispatcher()))
                    .transport(invocation -> {
                        boolean first = invocation.requestId().startsWith("first");
                        if (invocation.service().equals("Hotel")) {
                            Response reserved = hotels.invoke(invocation);
                            if (first) {
                                firstHeldOpen.countDown();
                            }
                            return reserved;
                        }
                        if (first && invocation.service().equals("Flight")) {
                            firstHeldOpen.countDown();
                            awaitUninterruptibly(releaseFirstFlight);
                        }
                        return self[0].invoke(invocation);
                    })
                    .build();
            bookings = self[0];
            submit(hotels, "open-h0", "Hotel", "open", "[\"h0\", 10]");
            submit(bookings, "open-f0", "Flight", "open", "[\"f0\", 10]");
            submit(bookings, "open-f1", "Flight", "open", "[\"f1\", 10]");
            submit(bookings, "open-f2", "Flight", "open", "[\"f2\", 10]");
        }

        CompletableFuture<Response> bookAsync(String id, String flight) {
            return CompletableFuture.supplyAsync(
                    () -> submit(bookings, id, "Frontend", "book", "[\"u-" + id + "\", \"" + flight + "\", \"h0\"]"),
                    Thread.ofVirtual()::start);
        }

        int booked() {
            return ContentionWaitTest.booked(hotels);
        }

        @Override
        public void close() {
            bookings.close();
            hotels.close();
        }
    }
}
