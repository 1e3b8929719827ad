package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mu2sls.InvalidRequestException;
import dev.mu2sls.store.ForwardingStore;
import dev.mu2sls.store.ForwardingStoreTransaction;
import dev.mu2sls.store.MemoryStore;
import dev.mu2sls.store.Store;
import dev.mu2sls.store.StoreConflictException;
import dev.mu2sls.store.StoreTransaction;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the store holds when an execution persists or starts, as a table: store contents → the
 * segment commit's result (and whether its effect was written), and what a delivery loads.
 * Runs against {@link MemoryStore}, with no service, processor or simulator.
 */
class SegmentCommitTest {
    private static final long NOW = 1_000_000;
    private static final long TOKEN = 41;
    private static final Invocation INVOCATION = FenceTest.INVOCATION;
    private static final byte[] DIGEST = FenceTest.DIGEST;
    private static final byte[] REQUEST_KEY = KeySpace.request("r1");
    private static final byte[] MARKER = "marker".getBytes(UTF_8);
    private static final Response ANSWER = FenceTest.ANSWER;

    private static final Consumer<StoreTransaction> EMPTY = st -> {};

    private final Store store = new MemoryStore();
    private final EngineStore engineStore =
            new EngineStore(store, EngineObserver.NONE, new EngineCounters(), new StateCache(0));

    private EngineContext context() {
        return context(engineStore);
    }

    private static EngineContext context(EngineStore engineStore) {
        return new EngineContext(
                engineStore,
                null,
                null,
                null,
                FaultInjector.NONE,
                Entropy.system(),
                InstantSource.fixed(Instant.ofEpochMilli(NOW)),
                ExecutionListener.NONE,
                EngineObserver.NONE,
                Mode.FULL,
                new EngineCounters(),
                null,
                new WriteIntents(0),
                new CoordinatedRecords(),
                new RemoteTransactionWrites(0),
                invocation -> false);
    }

    private void given(Consumer<StoreTransaction> contents) {
        store.run(st -> {
            contents.accept(st);
            return null;
        });
    }

    private static Consumer<StoreTransaction> record(byte[] record) {
        return st -> st.put(REQUEST_KEY, record);
    }

    static Stream<Arguments> commits() {
        return Stream.of(
                Arguments.of(
                        "fresh request, first segment inserts the record",
                        EMPTY,
                        0,
                        NOW + 1,
                        new SegmentResult.Committed<>("done")),
                Arguments.of(
                        "record as this execution left it",
                        record(RequestRecord.running(DIGEST, 2, null, 0)),
                        2,
                        NOW + 1,
                        new SegmentResult.Committed<>("done")),
                Arguments.of(
                        "past the deadline: nothing written",
                        record(RequestRecord.running(DIGEST, 2, null, 0)),
                        2,
                        NOW,
                        new SegmentResult.Expired<>()),
                Arguments.of(
                        "another execution journaled further",
                        record(RequestRecord.running(DIGEST, 4, null, 0)),
                        2,
                        NOW + 1,
                        new SegmentResult.Diverged<>()),
                Arguments.of(
                        "first segment, but another execution inserted the record first",
                        record(RequestRecord.running(DIGEST, 3, null, 0)),
                        0,
                        NOW + 1,
                        new SegmentResult.Diverged<>()),
                Arguments.of(
                        "completed by another execution: fenced",
                        record(RequestRecord.completed(DIGEST, 5, 99, false, ANSWER, null)),
                        0,
                        NOW + 1,
                        new SegmentResult.Fenced<>(ANSWER)),
                Arguments.of(
                        "completed by this execution's own token: already completed",
                        record(RequestRecord.completed(DIGEST, 5, TOKEN, false, ANSWER, null)),
                        2,
                        NOW + 1,
                        new SegmentResult.AlreadyCompleted<>()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commits")
    void commit_storeContents_decideTheResult(
            String name, Consumer<StoreTransaction> contents, int base, long deadline, SegmentResult<String> expected) {
        given(contents);
        DeliveryStamp stamp = new DeliveryStamp("Hotel", "reserve", NOW);
        byte[] leftAt = RequestRecord.running(DIGEST, base, null, 0); // as this execution last saw it
        stamp.loaded(leftAt, RequestRecord.decode(REQUEST_KEY, leftAt));
        SegmentCommit commit = new SegmentCommit(context(), INVOCATION, DIGEST, deadline, TOKEN, stamp);
        SegmentResult<String> result = commit.commit(base, true, (st, insert) -> {
            st.put(MARKER, MARKER);
            commit.writeRunning(st, insert, base, base + 1, NOW);
            return new SegmentResult.Committed<>("done");
        });
        assertThat(result).isEqualTo(expected);
        boolean committed = result instanceof SegmentResult.Committed;
        assertThat(store.get(MARKER)).isEqualTo(committed ? MARKER : null);
        if (committed) {
            assertThat(RequestRecord.decode(REQUEST_KEY, store.get(REQUEST_KEY)))
                    .isInstanceOfSatisfying(RequestRecord.Running.class, r -> assertThat(r.journalLength())
                            .isEqualTo(base + 1));
        }
    }

    static Stream<Arguments> loads() {
        JournalEntry get = new JournalEntry(0, JournalEntry.Op.GET, KeySpace.statePrefix("Hotel", "rooms"), null);
        JournalEntry uuid = new JournalEntry(1, JournalEntry.Op.UUID, new byte[0], new byte[16]);
        Consumer<StoreTransaction> twoSteps =
                st -> st.put(KeySpace.journalChunk("r1", 0), JournalCodec.encode(List.of(get, uuid)));
        return Stream.of(
                Arguments.of("nothing stored: an empty journal", EMPTY, StoredJournal.EMPTY.entries()),
                Arguments.of(
                        "running with no steps: an empty journal",
                        record(RequestRecord.running(DIGEST, 0, null, 0)),
                        StoredJournal.EMPTY.entries()),
                Arguments.of(
                        "running with two steps: the journal",
                        record(RequestRecord.running(DIGEST, 2, null, 0)).andThen(twoSteps),
                        List.of(get, uuid)),
                Arguments.of(
                        "completed: its recorded response",
                        record(RequestRecord.completed(DIGEST, 5, 99, false, ANSWER, null))
                                .andThen(twoSteps),
                        new LoadedRequest.Recorded(ANSWER)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("loads")
    void load_storeContents_decideWhatADeliveryStartsFrom(
            String name, Consumer<StoreTransaction> contents, Object expected) {
        given(contents);
        LoadedRequest loaded =
                LoadedRequest.load(engineStore, INVOCATION, DIGEST, new DeliveryStamp("Hotel", "reserve", NOW));
        if (expected instanceof LoadedRequest.Recorded) {
            assertThat(loaded).isEqualTo(expected);
        } else {
            assertThat(loaded).isInstanceOfSatisfying(StoredJournal.class, journal -> assertThat(journal.entries())
                    .usingRecursiveFieldByFieldElementComparator()
                    .isEqualTo(expected));
        }
    }

    static Stream<Arguments> badLoads() {
        byte[] other = FenceTest.OTHER_DIGEST;
        return Stream.of(
                Arguments.of(
                        "record of another request, nothing journaled",
                        record(RequestRecord.running(other, 0, null, 0)),
                        InvalidRequestException.class,
                        "was already used for another request"),
                Arguments.of(
                        "record of another request, completed",
                        record(RequestRecord.completed(other, 5, 9, false, ANSWER, null)),
                        InvalidRequestException.class,
                        "was already used for another request"),
                Arguments.of(
                        "a record counting more steps than the journal has",
                        record(RequestRecord.running(DIGEST, 3, null, 0)),
                        IllegalStateException.class,
                        "has 0 journaled steps but its record says 3"));
    }

    @ParameterizedTest(name = "{0}: refused")
    @MethodSource("badLoads")
    void load_inconsistentStoreContents_throws(
            String name, Consumer<StoreTransaction> contents, Class<? extends Throwable> type, String message) {
        given(contents);
        assertThatThrownBy(() ->
                        LoadedRequest.load(engineStore, INVOCATION, DIGEST, new DeliveryStamp("Hotel", "reserve", NOW)))
                .isInstanceOf(type)
                .hasMessageContaining(message);
    }
    // ---- how the request ran, carried from record to record (DeliveryStamp) ----------------------

    /** Commits a segment of {@code steps} steps after {@code base} for {@code stamp}'s delivery, at {@code at}. */
    private SegmentResult<Void> persist(DeliveryStamp stamp, long token, int base, int steps, long at) {
        SegmentCommit commit = new SegmentCommit(context(), INVOCATION, DIGEST, NOW + 1, token, stamp);
        return commit.commit(base, true, (st, insert) -> {
            commit.writeRunning(st, insert, base, base + steps, at);
            return new SegmentResult.Committed<>(null);
        });
    }

    private RequestRecord stored() {
        return RequestRecord.decode(REQUEST_KEY, store.get(REQUEST_KEY));
    }

    /** A delivery loads the request as stored now (what a redelivery's {@code LoadedRequest.load} tells it). */
    private void load(DeliveryStamp stamp) {
        stamp.loaded(store.get(REQUEST_KEY), stored());
    }

    @Test
    void runInfo_firstDeliveryStarts_laterOnesCountOnceAndKeepTheStart() {
        DeliveryStamp first = new DeliveryStamp("Hotel", "reserve", 100);
        assertThat(persist(first, 1, 0, 2, 110)).isEqualTo(new SegmentResult.Committed<>(null));
        assertThat(stored())
                .as("the first write: started at the delivery's arrival, one delivery")
                .usingRecursiveComparison()
                .isEqualTo(new RequestRecord.Running(DIGEST, 2, new RunInfo("Hotel", "reserve", 100, 1), 110));
        assertThat(persist(first, 1, 2, 1, 120)).isEqualTo(new SegmentResult.Committed<>(null));
        assertThat(stored().run())
                .as("the same delivery again: counted once")
                .isEqualTo(new RunInfo("Hotel", "reserve", 100, 1));
        assertThat(((RequestRecord.Running) stored()).persistedAtMillis()).isEqualTo(120);

        DeliveryStamp second = new DeliveryStamp("Hotel", "reserve", 500);
        load(second);
        assertThat(persist(second, 2, 3, 1, 510)).isEqualTo(new SegmentResult.Committed<>(null));
        assertThat(stored().run())
                .as("a redelivery continues the first one's record: its start, one more delivery")
                .isEqualTo(new RunInfo("Hotel", "reserve", 100, 2));

        assertThat(persist(first, 1, 3, 1, 520))
                .as("the first delivery, overtaken, is refused by the record it expected")
                .isEqualTo(new SegmentResult.Diverged<>());
        load(first);
        assertThat(persist(first, 1, 4, 1, 530)).isEqualTo(new SegmentResult.Committed<>(null));
        assertThat(stored().run())
                .as("it reloads a record that counts it already: not counted twice")
                .isEqualTo(new RunInfo("Hotel", "reserve", 100, 2));

        load(second);
        byte[] completion =
                new SegmentCommit(context(), INVOCATION, DIGEST, NOW + 1, 2, second).completionRecord(5, 600, ANSWER);
        assertThat(RequestRecord.decode(REQUEST_KEY, completion).run())
                .as("the completion record keeps the run")
                .isEqualTo(new RunInfo("Hotel", "reserve", 100, 2));
    }

    @Test
    void runInfo_aWriteWhoseReplyWasLost_isRecognizedOnReload_notCountedTwice() {
        DeliveryStamp first = new DeliveryStamp("Hotel", "reserve", 100);
        persist(first, 1, 0, 2, 110);
        DeliveryStamp second = new DeliveryStamp("Hotel", "reserve", 500);
        load(second);
        boolean[] loseReply = {true};
        Store losing = new ForwardingStore(store) {
            @Override
            protected StoreTransaction decorate(StoreTransaction transaction) {
                return new ForwardingStoreTransaction(transaction) {
                    @Override
                    public void commit() {
                        super.commit();
                        if (loseReply[0]) {
                            loseReply[0] = false;
                            throw new StoreConflictException("the test: applied, reply lost");
                        }
                    }
                };
            }
        };
        EngineContext losingContext =
                context(new EngineStore(losing, EngineObserver.NONE, new EngineCounters(), new StateCache(0)));
        SegmentCommit commit = new SegmentCommit(losingContext, INVOCATION, DIGEST, NOW + 1, 2, second);
        SegmentResult<Void> lost = commit.commit(2, true, (st, insert) -> {
            commit.writeRunning(st, insert, 2, 3, 510);
            return new SegmentResult.Committed<>(null);
        });
        assertThat(lost)
                .as("the store ran the body again, which found the record moved on: its own write")
                .isEqualTo(new SegmentResult.Diverged<>());
        assertThat(stored().run()).isEqualTo(new RunInfo("Hotel", "reserve", 100, 2));

        load(second);
        assertThat(persist(second, 2, 3, 1, 520)).isEqualTo(new SegmentResult.Committed<>(null));
        assertThat(stored().run())
                .as("the reload found exactly the record it wrote: it is counted already")
                .isEqualTo(new RunInfo("Hotel", "reserve", 100, 2));
    }

    @Test
    void runInfo_recordWrittenWithoutOne_staysWithoutOne() {
        given(record(RequestRecord.running(DIGEST, 2, null, 0)));
        DeliveryStamp upgraded = new DeliveryStamp("Hotel", "reserve", 500);
        load(upgraded);
        assertThat(persist(upgraded, 1, 2, 1, 510)).isEqualTo(new SegmentResult.Committed<>(null));
        assertThat(stored())
                .as("its start is unknown: none is made up")
                .usingRecursiveComparison()
                .isEqualTo(new RequestRecord.Running(DIGEST, 3, null, 0));
    }
}
