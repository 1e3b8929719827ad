package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The engine's stored records against fixed bytes: what format 1 writes, and that records written
 * before formats were versioned (format 0) still decode, so a store written by an older build
 * needs no migration. A change that fails here strands data already written: it needs a new
 * format marker and a reader for the old one (docs/architecture.md, "Stored formats").
 */
class StoredFormatTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] KEY = "Rr1".getBytes(UTF_8);
    private static final byte[] DIGEST = HEX.parseHex("000102030405060708090a0b0c0d0e0f");

    @Test
    void requestRecords_format1() {
        assertThat(HEX.formatHex(RequestRecord.running(DIGEST, 7)))
                .isEqualTo("8101" + "000102030405060708090a0b0c0d0e0f" + "00000007");
        assertThat(HEX.formatHex(RequestRecord.completed(DIGEST, 1_700_000_000_000L, 99, false,
                Response.success("42".getBytes(UTF_8)))))
                .isEqualTo("8102" + "000102030405060708090a0b0c0d0e0f" + "0000018bcfe56800" + "0000000000000063"
                        + "01" + "00000002" + "3432");
        assertThat(HEX.formatHex(RequestRecord.completed(DIGEST, 5, 0, true, Response.failure("T", "why"))))
                .isEqualTo("8103" + "000102030405060708090a0b0c0d0e0f" + "0000000000000005" + "0000000000000000"
                        + "00" + "00000001" + "54" + "00000003" + "776879");

        RequestRecord.Completed decoded = (RequestRecord.Completed) RequestRecord.decode(KEY,
                HEX.parseHex("8102000102030405060708090a0b0c0d0e0f0000018bcfe56800000000000000006301000000023432"));
        assertThat(decoded.digest()).isEqualTo(DIGEST);
        assertThat(decoded.completedAtMillis()).isEqualTo(1_700_000_000_000L);
        assertThat(decoded.completedBy()).isEqualTo(99);
        assertThat(decoded.quarantined()).isFalse();
        assertThat(decoded.response()).isEqualTo(Response.success("42".getBytes(UTF_8)));
    }

    @Test
    void requestRecords_format0_decodeWithoutDigest() {
        assertThat(RequestRecord.decode(KEY, HEX.parseHex("0100000007")))
                .isEqualTo(new RequestRecord.Running(null, 7));
        RequestRecord.Completed completed = (RequestRecord.Completed) RequestRecord.decode(KEY,
                HEX.parseHex("020000018bcfe5680001000000023432"));
        assertThat(completed.digest()).isNull();
        assertThat(completed.completedAtMillis()).isEqualTo(1_700_000_000_000L);
        assertThat(completed.completedBy()).isZero();
        assertThat(completed.response()).isEqualTo(Response.success("42".getBytes(UTF_8)));
        assertThat(completed.isFor(DIGEST)).as("a format-0 record predates digests: any request may claim it").isTrue();
    }

    @Test
    void transactionStatus_bothFormats() {
        assertThat(HEX.formatHex(new TxStatus(TxStatus.State.COMMITTED, 1234).encode())).isEqualTo("81" + "01" + "00000000000004d2");
        assertThat(TxStatus.decode(KEY, HEX.parseHex("810100000000000004d2")))
                .isEqualTo(new TxStatus(TxStatus.State.COMMITTED, 1234));
        assertThat(TxStatus.decode(KEY, HEX.parseHex("0400000000000004d2")))
                .isEqualTo(new TxStatus(TxStatus.State.EXPIRED, 1234));
    }

    @Test
    void acceptedRequest_bothFormats() {
        String fields = "00000002" + "7231" + "00000007" + "436f756e746572" + "00000003" + "616464" + "00000007"
                + "5b226b222c315d";
        Invocation invocation = new Invocation("r1", "Counter", "add", "[\"k\",1]".getBytes(UTF_8), 3);
        assertThat(HEX.formatHex(invocation.encode())).isEqualTo("81" + fields);
        for (String stored : List.of("81" + fields, fields)) {
            Invocation decoded = Invocation.decode(KEY, HEX.parseHex(stored));
            assertThat(decoded.requestId()).isEqualTo("r1");
            assertThat(decoded.service()).isEqualTo("Counter");
            assertThat(decoded.method()).isEqualTo("add");
            assertThat(decoded.arguments()).asString(UTF_8).isEqualTo("[\"k\",1]");
            assertThat(decoded.attempt()).as("attempts are per delivery, not stored").isZero();
        }
    }

    @Test
    void journalChunk_bothFormats() {
        List<JournalEntry> entries = List.of(
                new JournalEntry(0, JournalEntry.Op.PUT, "t".getBytes(UTF_8), "1".getBytes(UTF_8)),
                new JournalEntry(1, JournalEntry.Op.CALL, "c".getBytes(UTF_8), null));
        String steps = "00000002" + "00000000" + "02" + "0000000174" + "0000000131" + "00000001" + "05" + "0000000163"
                + "ffffffff";
        assertThat(HEX.formatHex(JournalCodec.encode(entries))).isEqualTo("81" + steps);
        for (String stored : List.of("81" + steps, steps)) {
            List<JournalEntry> decoded = JournalCodec.decode(KEY, HEX.parseHex(stored));
            assertThat(decoded).hasSize(2);
            assertThat(decoded.get(0).op()).isEqualTo(JournalEntry.Op.PUT);
            assertThat(decoded.get(0).value()).asString(UTF_8).isEqualTo("1");
            assertThat(decoded.get(1).op()).isEqualTo(JournalEntry.Op.CALL);
            assertThat(decoded.get(1).target()).asString(UTF_8).isEqualTo("c");
            assertThat(decoded.get(1).value()).isNull();
        }
    }

    @Test
    void provisionalWrite_bothFormats() {
        assertThat(TxWrites.value(HEX.parseHex("810131"))).asString(UTF_8).isEqualTo("1");
        assertThat(TxWrites.value(HEX.parseHex("8100"))).as("a delete").isNull();
        assertThat(TxWrites.value(HEX.parseHex("0131"))).asString(UTF_8).isEqualTo("1");
        assertThat(TxWrites.value(HEX.parseHex("00"))).as("a format-0 delete").isNull();
    }

    @Test
    void truncatedOrUnknownRecords_areCorrupt_namingKeyAndBytes() {
        assertThatThrownBy(() -> RequestRecord.decode(KEY, HEX.parseHex("8101000102")))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("request record")
                .hasMessageContaining("Rr1")
                .hasMessageContaining("81 01 00 01 02");
        assertThatThrownBy(() -> RequestRecord.decode(KEY, HEX.parseHex("8109000102030405060708090a0b0c0d0e0f00000007")))
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
}
