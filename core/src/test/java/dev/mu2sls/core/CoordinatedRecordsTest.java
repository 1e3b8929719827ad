package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.store.KeyValue;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoordinatedRecordsTest {
    private final CoordinatedRecords records = new CoordinatedRecords();

    @Test
    void everyCallServedHere_expectsTheLatestRecordOfEachKey_inKeyOrder() {
        begunWithCallsTo("r/1", "r/2");
        records.serving("t", "r/1");
        records.serving("t", "r/2");
        records.recorded("t", List.of(entry("b", "1"), entry("a", "1")));
        records.recorded("t", List.of(entry("b", "2"))); // a participant's later persist rewrote it

        assertThat(records.expected("t"))
                .extracting(CoordinatedRecordsTest::text)
                .containsExactly("a=1", "b=2");
    }

    @Test
    void noRecordsYet_expectsNone() {
        records.began("t");

        assertThat(records.expected("t")).isEmpty();
    }

    @Test
    void aCallServedElsewhere_expectsNothing() {
        begunWithCallsTo("r/1", "r/2");
        records.serving("t", "r/1");
        records.recorded("t", List.of(entry("a", "1")));

        assertThat(records.expected("t")).isNull();
    }

    @Test
    void aTransactionNotBegunHere_expectsNothing_andKeepsNothing() {
        records.serving("t", "r/1");
        records.recorded("t", List.of(entry("a", "1")));

        assertThat(records.expected("t")).isNull();
        records.began("t"); // a later begin starts from nothing
        assertThat(records.expected("t")).isEmpty();
    }

    @Test
    void anEndedTransaction_expectsNothing() {
        records.began("t");
        records.recorded("t", List.of(entry("a", "1")));
        records.ended("t");

        assertThat(records.expected("t")).isNull();
    }

    /** Transaction "t" begun here, with calls made inside it to {@code callees}. */
    private void begunWithCallsTo(String... callees) {
        records.began("t");
        for (String callee : callees) {
            records.called("t", callee);
        }
    }

    private static KeyValue entry(String key, String value) {
        return new KeyValue(key.getBytes(UTF_8), value.getBytes(UTF_8));
    }

    private static String text(KeyValue entry) {
        return new String(entry.key(), UTF_8) + "=" + new String(entry.value(), UTF_8);
    }
}
