package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The engine's stored records against fixed bytes, kept as fixtures under {@code format/v1} (what
 * this build writes) and {@code format/v0} (written before formats were versioned). Every fixture
 * must decode forever: a store written by an older build needs no migration. A change that makes
 * a fixture fail strands data already written: it needs a new format marker and a reader for the
 * old one instead (docs/architecture.md, "Stored formats").
 */
class StoredFormatTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] KEY = "Rr1".getBytes(UTF_8);
    private static final byte[] DIGEST = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
    private static final Response OK_42 = Response.success("42".getBytes(UTF_8));
    private static final RunInfo COUNTER_RUN = new RunInfo("Counter", "add", 1_700_000_000_000L, 2);
    private static final RunInfo NEVER_RAN = new RunInfo("Counter", "add", RunInfo.UNKNOWN_START, 0);

    /** The bytes of {@code format/<name>.hex}: hex digits, lines starting with # are comments. */
    private static byte[] fixture(String name) {
        try (InputStream in = StoredFormatTest.class.getResourceAsStream("/format/" + name + ".hex")) {
            assertThat(in).as("fixture format/%s.hex", name).isNotNull();
            String hex = new String(in.readAllBytes(), UTF_8)
                    .lines()
                    .filter(line -> !line.startsWith("#"))
                    .collect(Collectors.joining())
                    .strip();
            return HEX.parseHex(hex);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void format1_writesExactlyTheFixtures() {
        assertThat(RequestRecord.running(DIGEST, 7, null, 0)).isEqualTo(fixture("v1/request-running"));
        assertThat(RequestRecord.completed(DIGEST, 1_700_000_000_000L, 99, false, OK_42, null))
                .isEqualTo(fixture("v1/request-completed"));
        assertThat(RequestRecord.completed(DIGEST, 5, 0, true, Response.failure("T", "why"), null))
                .isEqualTo(fixture("v1/request-quarantined"));
        assertThat(RequestRecord.running(DIGEST, 7, COUNTER_RUN, 1_700_000_000_500L))
                .isEqualTo(fixture("v1/request-running-run"));
        assertThat(RequestRecord.completed(DIGEST, 1_700_000_001_000L, 99, false, OK_42, COUNTER_RUN))
                .isEqualTo(fixture("v1/request-completed-run"));
        assertThat(RequestRecord.completed(DIGEST, 5, 0, true, Response.failure("T", "why"), NEVER_RAN))
                .isEqualTo(fixture("v1/request-quarantined-unstarted"));
        assertThat(new TxStatus(TxStatus.State.COMMITTED, 1234).encode()).isEqualTo(fixture("v1/tx-status-committed"));
        assertThat(new Invocation("r1", "Counter", "add", "[\"k\",1]".getBytes(UTF_8), 3).encode())
                .as("attempts are per delivery, not stored")
                .isEqualTo(fixture("v1/accepted-request"));
        assertThat(JournalCodec.encode(twoSteps())).isEqualTo(fixture("v1/journal-chunk"));
        assertThat(JournalCodec.encode(twoEffects())).isEqualTo(fixture("v1/journal-chunk-effect"));
    }

    /** Operation code 15 (issue 15): an effect's outcome is a journaled {@link Response}. */
    @Test
    void journalChunkWithEffects_decodesItsOutcomes() {
        List<JournalEntry> decoded = JournalCodec.decode(KEY, fixture("v1/journal-chunk-effect"));

        assertThat(decoded)
                .extracting(JournalEntry::step, JournalEntry::op)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(3, JournalEntry.Op.EFFECT),
                        org.assertj.core.groups.Tuple.tuple(4, JournalEntry.Op.EFFECT));
        assertThat(decoded.get(0).target()).asString(UTF_8).isEqualTo("charge");
        assertThat(Response.fromBytes(decoded.get(0).value())).isEqualTo(OK_42);
        assertThat(Response.fromBytes(decoded.get(1).value())).isEqualTo(Response.failure("x.Declined", "no"));
    }

    @Test
    void requestRecords_bothFormats() {
        assertThat(RequestRecord.decode(KEY, fixture("v1/request-running")))
                .usingRecursiveComparison()
                .isEqualTo(new RequestRecord.Running(DIGEST, 7, null, 0));
        RequestRecord.Completed completed =
                (RequestRecord.Completed) RequestRecord.decode(KEY, fixture("v1/request-completed"));
        assertThat(completed.digest()).isEqualTo(DIGEST);
        assertThat(completed.completedAtMillis()).isEqualTo(1_700_000_000_000L);
        assertThat(completed.completedBy()).isEqualTo(99);
        assertThat(completed.quarantined()).isFalse();
        assertThat(completed.response()).isEqualTo(OK_42);
        RequestRecord.Completed quarantined =
                (RequestRecord.Completed) RequestRecord.decode(KEY, fixture("v1/request-quarantined"));
        assertThat(quarantined.quarantined()).isTrue();
        assertThat(quarantined.response()).isEqualTo(Response.failure("T", "why"));
        assertThat(completed.run()).as("written before run infos were kept").isNull();

        assertThat(RequestRecord.decode(KEY, fixture("v0/request-running")))
                .isEqualTo(new RequestRecord.Running(null, 7, null, 0));
        RequestRecord.Completed old =
                (RequestRecord.Completed) RequestRecord.decode(KEY, fixture("v0/request-completed"));
        assertThat(old.digest()).isNull();
        assertThat(old.completedAtMillis()).isEqualTo(1_700_000_000_000L);
        assertThat(old.completedBy()).isZero();
        assertThat(old.response()).isEqualTo(OK_42);
        assertThat(old.isFor(DIGEST))
                .as("a format-0 record predates digests: any request may claim it")
                .isTrue();
    }

    /** Issue 16: how a request ran, as a trailer after the format-1 fields. */
    @Test
    void requestRecordsWithRunTrailer_decodeTheRun_andOlderBuildsReadThemUnchanged() {
        RequestRecord.Running running =
                (RequestRecord.Running) RequestRecord.decode(KEY, fixture("v1/request-running-run"));
        assertThat(running.journalLength()).isEqualTo(7);
        assertThat(running.run()).isEqualTo(COUNTER_RUN);
        assertThat(running.persistedAtMillis()).isEqualTo(1_700_000_000_500L);
        RequestRecord.Completed completed =
                (RequestRecord.Completed) RequestRecord.decode(KEY, fixture("v1/request-completed-run"));
        assertThat(completed.completedAtMillis()).isEqualTo(1_700_000_001_000L);
        assertThat(completed.completedBy()).isEqualTo(99);
        assertThat(completed.response()).isEqualTo(OK_42);
        assertThat(completed.run()).isEqualTo(COUNTER_RUN);
        RequestRecord.Completed neverRan =
                (RequestRecord.Completed) RequestRecord.decode(KEY, fixture("v1/request-quarantined-unstarted"));
        assertThat(neverRan.quarantined()).isTrue();
        assertThat(neverRan.run()).isEqualTo(NEVER_RAN);

        // A build from before the trailer reads the fields above and stops: each record with a
        // trailer is the record without one, then the trailer, so it reads the same values.
        assertThat(fixture("v1/request-running-run")).startsWith(RequestRecord.running(DIGEST, 7, null, 0));
        assertThat(fixture("v1/request-completed-run"))
                .startsWith(RequestRecord.completed(DIGEST, 1_700_000_001_000L, 99, false, OK_42, null));
    }

    @Test
    void transactionStatus_bothFormats() {
        assertThat(TxStatus.decode(KEY, fixture("v1/tx-status-committed")))
                .isEqualTo(new TxStatus(TxStatus.State.COMMITTED, 1234));
        assertThat(TxStatus.decode(KEY, fixture("v0/tx-status-expired")))
                .isEqualTo(new TxStatus(TxStatus.State.EXPIRED, 1234));
    }

    @Test
    void acceptedRequest_bothFormats() {
        for (String stored : List.of("v1/accepted-request", "v0/accepted-request")) {
            Invocation decoded = Invocation.decode(KEY, fixture(stored));
            assertThat(decoded.requestId()).as(stored).isEqualTo("r1");
            assertThat(decoded.service()).isEqualTo("Counter");
            assertThat(decoded.method()).isEqualTo("add");
            assertThat(decoded.arguments()).asString(UTF_8).isEqualTo("[\"k\",1]");
            assertThat(decoded.attempt()).isZero();
        }
    }

    /**
     * Code upgrades: the version that ran a request trails its acceptance record (and its timers,
     * which hold the same encoding); records without it, the fixtures above, read as undeclared.
     */
    @Test
    void acceptedRequest_withVersion_format1() {
        Invocation onVersion2 = new Invocation("r1", "Counter", "add", "[\"k\",1]".getBytes(UTF_8), 3, null, 0, "2");
        assertThat(onVersion2.encode()).isEqualTo(fixture("v1/accepted-request-version"));
        assertThat(Invocation.decode(KEY, fixture("v1/accepted-request-version")))
                .isEqualTo(onVersion2.withAttempt(0));
        for (String undeclared : List.of("v1/accepted-request", "v0/accepted-request")) {
            assertThat(Invocation.decode(KEY, fixture(undeclared)).version())
                    .as(undeclared)
                    .isNull();
        }
    }

    @Test
    void journalChunk_bothFormats() {
        for (String stored : List.of("v1/journal-chunk", "v0/journal-chunk")) {
            List<JournalEntry> decoded = JournalCodec.decode(KEY, fixture(stored));
            assertThat(decoded).as(stored).hasSize(2);
            assertThat(decoded.get(0).step()).isZero();
            assertThat(decoded.get(0).op()).isEqualTo(JournalEntry.Op.PUT);
            assertThat(decoded.get(0).target()).asString(UTF_8).isEqualTo("t");
            assertThat(decoded.get(0).value()).asString(UTF_8).isEqualTo("1");
            assertThat(decoded.get(1).step()).isEqualTo(1);
            assertThat(decoded.get(1).op()).isEqualTo(JournalEntry.Op.CALL);
            assertThat(decoded.get(1).target()).asString(UTF_8).isEqualTo("c");
            assertThat(decoded.get(1).value()).isNull();
        }
    }

    /** Issue 15: one-way sends and sleeps take codes 16 and 17; chunks written before them still decode (above). */
    @Test
    void journalChunk_sendAndSleep_format1() {
        long due = 1_700_000_000_000L;
        List<JournalEntry> steps = List.of(
                new JournalEntry(
                        0,
                        JournalEntry.Op.SEND,
                        "I.r".getBytes(UTF_8),
                        ByteBuffer.allocate(8).putLong(due).array()),
                new JournalEntry(
                        1,
                        JournalEntry.Op.SLEEP,
                        new byte[0],
                        ByteBuffer.allocate(8).putLong(due + 60_000).array()));
        assertThat(JournalCodec.encode(steps)).isEqualTo(fixture("v1/journal-chunk-send-sleep"));
        List<JournalEntry> decoded = JournalCodec.decode(KEY, fixture("v1/journal-chunk-send-sleep"));
        assertThat(decoded).extracting(JournalEntry::op).containsExactly(JournalEntry.Op.SEND, JournalEntry.Op.SLEEP);
        assertThat(ByteBuffer.wrap(decoded.get(1).value()).getLong()).isEqualTo(due + 60_000);
        assertThat(KeySpace.timer(due, "r/1")).isEqualTo(fixture("v1/timer-key"));
        assertThat(KeySpace.timerDue(fixture("v1/timer-key"))).isEqualTo(due);
    }

    /** Issue 15: {@code Deterministic.version} takes code 18: the change id, the version as an int. */
    @Test
    void journalChunk_version_format1() {
        List<JournalEntry> steps = List.of(new JournalEntry(
                0, JournalEntry.Op.VERSION, "add-fraud-check".getBytes(UTF_8), VersionSteps.encode(2)));
        assertThat(JournalCodec.encode(steps)).isEqualTo(fixture("v1/journal-chunk-version"));
        List<JournalEntry> decoded = JournalCodec.decode(KEY, fixture("v1/journal-chunk-version"));
        assertThat(decoded).isEqualTo(steps);
        assertThat(ByteBuffer.wrap(decoded.getFirst().value()).getInt()).isEqualTo(2);
    }

    @Test
    void provisionalWrite_bothFormats() {
        assertThat(TxWrites.value(fixture("v1/provisional-put")))
                .asString(UTF_8)
                .isEqualTo("1");
        assertThat(TxWrites.value(fixture("v1/provisional-delete")))
                .as("a delete")
                .isNull();
        assertThat(TxWrites.value(fixture("v0/provisional-put")))
                .asString(UTF_8)
                .isEqualTo("1");
        assertThat(TxWrites.value(fixture("v0/provisional-delete")))
                .as("a format-0 delete")
                .isNull();
    }

    @Test
    void truncatedOrUnknownRecords_areCorrupt_namingKeyAndBytes() {
        assertThatThrownBy(() -> RequestRecord.decode(KEY, HEX.parseHex("8101000102")))
                .isInstanceOfSatisfying(CorruptRecordException.class, e -> {
                    assertThat(e.key()).isEqualTo("Rr1");
                    assertThat(e.bytes()).isEqualTo(HEX.parseHex("8101000102"));
                })
                .hasMessageContaining("request record")
                .hasMessageContaining("Rr1")
                .hasMessageContaining("81 01 00 01 02");
        assertThatThrownBy(
                        () -> RequestRecord.decode(KEY, HEX.parseHex("8109000102030405060708090a0b0c0d0e0f00000007")))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("unknown request record kind 9");
        assertThatThrownBy(() -> TxStatus.decode(KEY, HEX.parseHex("8107")))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("transaction status");
        assertThatThrownBy(() -> JournalCodec.decode(KEY, HEX.parseHex("817fffffff")))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("journal chunk");
        assertThatThrownBy(() -> Invocation.decode(KEY, HEX.parseHex("8100000009ab")))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("accepted request");
    }

    private static List<JournalEntry> twoEffects() {
        return List.of(
                new JournalEntry(3, JournalEntry.Op.EFFECT, "charge".getBytes(UTF_8), OK_42.toBytes()),
                new JournalEntry(
                        4,
                        JournalEntry.Op.EFFECT,
                        "refund".getBytes(UTF_8),
                        Response.failure("x.Declined", "no").toBytes()));
    }

    private static List<JournalEntry> twoSteps() {
        return List.of(
                new JournalEntry(0, JournalEntry.Op.PUT, "t".getBytes(UTF_8), "1".getBytes(UTF_8)),
                new JournalEntry(1, JournalEntry.Op.CALL, "c".getBytes(UTF_8), null));
    }
}
