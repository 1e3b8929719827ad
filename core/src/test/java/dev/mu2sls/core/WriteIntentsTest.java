package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** When a read waits for another writer of its key, and that waits never close a cycle. */
@Timeout(60) // a hang guard: every wait below ends when the test ends its writer
class WriteIntentsTest {
    private static final long FOREVER = Duration.ofMinutes(10).toNanos();
    private static final byte[] HOTEL = "hotel".getBytes(UTF_8);
    private static final byte[] FLIGHT = "flight".getBytes(UTF_8);

    private static final Runnable NOTHING_HELD = () -> {};

    private final WriteIntents intents = new WriteIntents(FOREVER);

    /** A read on a thread of its own, as each execution has. */
    private static CompletableFuture<Void> reader(Runnable read) {
        return CompletableFuture.runAsync(read, Thread.ofVirtual()::start);
    }

    @Test
    void readerOfAKeyAnotherWrote_waitsUntilThatOneEnds() {
        intents.began("first");
        intents.began("second");
        intents.wrote("first", HOTEL);

        CompletableFuture<Void> read = reader(() -> intents.awaitWriter("second", HOTEL, NOTHING_HELD));
        await().until(() -> intents.waits() == 1);
        assertThat(read).isNotDone();

        intents.ended("first");
        assertThat(read).succeedsWithin(Duration.ofSeconds(30));
    }

    @Test
    void whenItsWriterEnds_aReaderWaitsForTheKeysNextWriter() {
        intents.began("first");
        intents.began("second");
        intents.began("third");
        intents.wrote("first", HOTEL);
        CompletableFuture<Void> read = reader(() -> intents.awaitWriter("third", HOTEL, NOTHING_HELD));
        await().until(() -> intents.waits() == 1);

        intents.wrote("second", HOTEL); // as a reader woken with this one would
        intents.ended("first");
        await().during(Duration.ofMillis(200)).until(() -> !read.isDone());

        intents.ended("second");
        assertThat(read).succeedsWithin(Duration.ofSeconds(30));
        assertThat(intents.waits()).as("one read, one wait").isEqualTo(1);
    }

    @Test
    void aReaderLetsGoOfItsHoldOnCommits_beforeItWaits_andOnlyThen() {
        intents.began("first");
        intents.began("second");
        intents.wrote("first", HOTEL);
        AtomicInteger released = new AtomicInteger();

        intents.awaitWriter("second", FLIGHT, released::incrementAndGet);
        assertThat(released).as("no wait, nothing to let go of").hasValue(0);

        CompletableFuture<Void> read = reader(() -> intents.awaitWriter("second", HOTEL, released::incrementAndGet));
        await().until(() -> intents.waits() == 1);
        assertThat(released)
                .as("the writer's end may need the commits it holds")
                .hasValue(1);
        intents.ended("first");
        assertThat(read).succeedsWithin(Duration.ofSeconds(30));
    }

    @Test
    void readsOfOwnKeysAndOfKeysNoOneWrote_doNotWait() {
        intents.began("first");
        intents.wrote("first", HOTEL);

        intents.awaitWriter("first", HOTEL, NOTHING_HELD);
        intents.awaitWriter("first", FLIGHT, NOTHING_HELD);

        assertThat(intents.waits()).isZero();
    }

    @Test
    void aWaitThatWouldCloseACycle_isNotTaken() {
        intents.began("first");
        intents.began("second");
        intents.wrote("first", HOTEL);
        intents.wrote("second", FLIGHT);
        CompletableFuture<Void> secondReadsHotel = reader(() -> intents.awaitWriter("second", HOTEL, NOTHING_HELD));
        await().until(() -> intents.waits() == 1);

        intents.awaitWriter("first", FLIGHT, NOTHING_HELD); // second waits for first: returns at once

        assertThat(intents.waits()).isEqualTo(1);
        assertThat(secondReadsHotel).isNotDone();
        intents.ended("first");
        assertThat(secondReadsHotel).succeedsWithin(Duration.ofSeconds(30));
    }

    @Test
    void aTransactionCoordinatedElsewhere_neitherWaitsNorIsWaitedFor() {
        intents.began("here");
        intents.began("reader");
        intents.wrote("here", HOTEL);
        intents.wrote("elsewhere", FLIGHT); // not coordinated here: no intent

        intents.awaitWriter("reader", FLIGHT, NOTHING_HELD);
        intents.awaitWriter("elsewhere", HOTEL, NOTHING_HELD); // its waits could close a cycle through another process

        assertThat(intents.waits()).isZero();
    }

    @Test
    void writesOutsideATransaction_holdTheirReadersUntilPersisted_butNotTheirOwnRequestsOtherExecutions() {
        String first = WriteIntents.segmentOf("add-1");
        intents.beginSegment(first);
        intents.wrote(first, HOTEL);

        intents.awaitWriter(first, HOTEL, NOTHING_HELD); // a re-execution of add-1: its zombie's write will be fenced
        assertThat(intents.waits()).isZero();

        CompletableFuture<Void> read =
                reader(() -> intents.awaitWriter(WriteIntents.segmentOf("add-2"), HOTEL, NOTHING_HELD));
        await().until(() -> intents.waits() == 1);
        intents.ended(first);
        assertThat(read).succeedsWithin(Duration.ofSeconds(30));
    }

    @Test
    void aWriterThatOutlastedAWholeWait_makesNoOneWaitAgain() {
        WriteIntents brief = new WriteIntents(Duration.ofMillis(1).toNanos());
        brief.began("stalled");
        brief.began("second");
        brief.began("third");
        brief.wrote("stalled", HOTEL);

        brief.awaitWriter("second", HOTEL, NOTHING_HELD); // waits the whole bound
        brief.awaitWriter("third", HOTEL, NOTHING_HELD);

        assertThat(brief.waits()).isEqualTo(1);
    }

    @Test
    void aWriteAfterItsTransactionEnded_leavesNoIntent() {
        intents.began("first");
        intents.ended("first");
        intents.wrote("first", HOTEL);
        intents.began("second");

        intents.awaitWriter("second", HOTEL, NOTHING_HELD);

        assertThat(intents.waits()).isZero();
    }

    @Test
    void turnedOff_nothingWaits() {
        WriteIntents off = new WriteIntents(0);
        off.began("first");
        off.began("second");
        off.wrote("first", HOTEL);

        off.awaitWriter("second", HOTEL, NOTHING_HELD);

        assertThat(off.waits()).isZero();
    }
}
