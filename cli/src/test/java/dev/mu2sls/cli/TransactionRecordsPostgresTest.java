package dev.mu2sls.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.core.Engine;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.Mode;
import dev.mu2sls.core.Response;
import dev.mu2sls.examples.travel.FlightDispatcher;
import dev.mu2sls.examples.travel.FrontendDispatcher;
import dev.mu2sls.examples.travel.HotelDispatcher;
import dev.mu2sls.examples.travel.OrderDispatcher;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.spi.ServiceDefinition;
import dev.mu2sls.store.ForwardingStore;
import dev.mu2sls.store.ForwardingStoreTransaction;
import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Store;
import dev.mu2sls.store.StoreStats;
import dev.mu2sls.store.StoreTransaction;
import dev.mu2sls.store.postgres.PostgresStore;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A transaction whose participants all ran in the coordinator's engine (co-located services) ends
 * without reading its records first: PostgreSQL's commit batch checks the records the engine
 * expects instead. A participant served by another engine writes records the coordinator never
 * sees, so there the records are read, and no commit is refused for a wrong guess.
 */
@Tag("slow")
class TransactionRecordsPostgresTest {
    private static final int BOOKINGS = 20;

    @RegisterExtension
    static final PostgresPerClass postgres = new PostgresPerClass();

    @Test
    void participantsServedHere_bookingsReadNoRecords_andNoCommitIsRefused() {
        try (PostgresStore postgresStore = open("records_colocated")) {
            CountingStore store = new CountingStore(postgresStore);
            Engine[] engine = new Engine[1];
            engine[0] = engine(store, travel(), invocation -> engine[0].invoke(invocation));
            try (Engine colocated = engine[0]) {
                open(colocated);
                Outcome outcome = book(colocated, store, postgresStore);
                assertThat(outcome.recordScans())
                        .as("transaction scans of the bookings")
                        .isZero();
                assertThat(outcome.refused()).as("commits refused").isZero();
            }
        }
    }

    @Test
    void participantsServedElsewhere_bookingsReadTheirRecords_andNoCommitIsRefused() {
        try (PostgresStore postgresStore = open("records_separate")) {
            CountingStore store = new CountingStore(postgresStore);
            try (Engine places = engine(store, travel(), invocation -> {
                        throw new AssertionError("places call no one");
                    });
                    Engine frontend = engine(store, travel(), places::invoke)) {
                open(places);
                Outcome outcome = book(frontend, store, postgresStore);
                assertThat(outcome.recordScans())
                        .as("transaction scans of the bookings")
                        .isEqualTo(BOOKINGS);
                assertThat(outcome.refused()).as("commits refused").isZero();
            }
        }
    }

    private record Outcome(int recordScans, long refused) {}

    private static Outcome book(Engine frontend, CountingStore store, PostgresStore postgresStore) {
        int scansBefore = store.transactionScans.get();
        StoreStats before = postgresStore.stats();
        for (int i = 0; i < BOOKINGS; i++) {
            Response response =
                    frontend.submit(invocation("book" + i, "Frontend", "book", "[\"u" + i + "\",\"f0\",\"h0\"]"));
            assertThat(response.ok()).as("booking %d: %s", i, response).isTrue();
        }
        return new Outcome(
                store.transactionScans.get() - scansBefore,
                postgresStore.stats().minus(before).conflicts());
    }

    private static void open(Engine places) {
        assertThat(places.submit(invocation("open-h0", "Hotel", "open", "[\"h0\", 1000]"))
                        .ok())
                .isTrue();
        assertThat(places.submit(invocation("open-f0", "Flight", "open", "[\"f0\", 1000]"))
                        .ok())
                .isTrue();
    }

    private static Engine engine(
            Store store, List<ServiceDefinition> services, dev.mu2sls.core.CallTransport transport) {
        return Engine.builder()
                .store(store)
                .codec(new JsonCodec())
                .mode(Mode.FULL)
                .services(services)
                .transport(transport)
                .build();
    }

    private static List<ServiceDefinition> travel() {
        return List.of(new FrontendDispatcher(), new HotelDispatcher(), new FlightDispatcher(), new OrderDispatcher());
    }

    private static Invocation invocation(String id, String service, String method, String args) {
        return new Invocation(id, service, method, args.getBytes(UTF_8), 0);
    }

    private static PostgresStore open(String table) {
        return PostgresStore.open(postgres.jdbcUrl(), "postgres", "postgres", 4, table);
    }

    /**
     * Counts the range reads transactions make (a transaction's end reads its records with one, and
     * checks expected records with {@link StoreTransaction#rangeHolds}, which reads only on a retry).
     */
    private static final class CountingStore extends ForwardingStore {
        final AtomicInteger transactionScans = new AtomicInteger();

        CountingStore(Store delegate) {
            super(delegate);
        }

        @Override
        protected StoreTransaction decorate(StoreTransaction transaction) {
            return new ForwardingStoreTransaction(transaction) {
                @Override
                public List<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive, int limit) {
                    transactionScans.incrementAndGet();
                    return super.scan(fromInclusive, toExclusive, limit);
                }
            };
        }
    }
}
