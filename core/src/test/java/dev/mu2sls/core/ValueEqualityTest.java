package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Public records holding byte arrays compare by content, not by the arrays' identity. */
class ValueEqualityTest {

    @Test
    void invocation_sameArgumentsInOtherArrays_equalWithEqualHash() {
        Invocation a = new Invocation("r-1", "Counter", "add", "[\"k\",1]".getBytes(UTF_8), 2);
        Invocation b = new Invocation("r-1", "Counter", "add", "[\"k\",1]".getBytes(UTF_8), 2);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(new Invocation("r-1", "Counter", "add", "[\"k\",2]".getBytes(UTF_8), 2));
        assertThat(a).isNotEqualTo(a.withAttempt(3));
    }

    @Test
    void journalEntry_sameBytesInOtherArrays_equalWithEqualHash() {
        JournalEntry a = new JournalEntry(3, JournalEntry.Op.CALL, "Counter.add".getBytes(UTF_8), new byte[] {1, 2});
        JournalEntry b = new JournalEntry(3, JournalEntry.Op.CALL, "Counter.add".getBytes(UTF_8), new byte[] {1, 2});
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(new JournalEntry(3, JournalEntry.Op.CALL, "Counter.add".getBytes(UTF_8), null));
        assertThat(a).hasToString("JournalEntry[step 3 CALL, target 11 bytes, value 2 bytes]");
    }

    @Test
    void response_sameValueInOtherArrays_equalWithEqualHash() {
        assertThat(Response.success("5".getBytes(UTF_8)))
                .isEqualTo(Response.success("5".getBytes(UTF_8)))
                .hasSameHashCodeAs(Response.success("5".getBytes(UTF_8)));
    }
}
