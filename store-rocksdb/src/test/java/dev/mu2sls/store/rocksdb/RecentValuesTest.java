package dev.mu2sls.store.rocksdb;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.store.WriteBuffer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RecentValuesTest {
    private final RecentValues recent = new RecentValues(8, 1 << 20);

    @Test
    void readValue_isOfferedAndServed_absentToo() {
        recent.offer(b("k"), b("v"), recent.stamp());
        recent.offer(b("gone"), null, recent.stamp());

        assertThat(recent.lookup(b("k"))).isEqualTo(b("v"));
        assertThat(recent.lookup(b("gone"))).isNull();
        assertThat(recent.lookup(b("never read"))).isSameAs(RecentValues.UNKNOWN);
    }

    @Test
    void commitsValue_isServedBeforeItIsPublished_andDeletesAreAbsent() {
        recent.offer(b("old"), b("1"), recent.stamp());
        long before = recent.stamp();

        WriteBuffer writes = put("k", "v");
        writes.delete(b("old"));
        long number = recent.beginCommit(writes);

        assertThat(recent.lookup(b("k"))).isEqualTo(b("v"));
        assertThat(recent.lookup(b("old"))).isNull();
        assertThat(recent.stamp()).isEqualTo(before);
        recent.endCommit(number);
        assertThat(recent.stamp()).isEqualTo(number).isGreaterThan(before);
    }

    @Test
    void valueReadBeforeACommitWroteItsKey_isNotKept() {
        long stamp = recent.stamp();
        long number = recent.beginCommit(put("k", "new"));
        recent.abortCommit(put("k", "new"), number); // leaves the key unknown, its stripe marked

        recent.offer(b("k"), b("old"), stamp);
        assertThat(recent.lookup(b("k"))).isSameAs(RecentValues.UNKNOWN);

        recent.offer(b("k"), b("new"), recent.stamp());
        assertThat(recent.lookup(b("k"))).isEqualTo(b("new"));
    }

    @Test
    void unwrittenSince_isFalseOnlyForKeysACommitWroteAfterTheStamp() {
        long stamp = recent.stamp();
        recent.endCommit(recent.beginCommit(put("a", "1")));

        assertThat(recent.unwrittenSince(b("a"), stamp)).isFalse();
        assertThat(recent.unwrittenSince(b("b"), stamp)).isTrue();
        assertThat(recent.unwrittenSince(b("a"), recent.stamp())).isTrue();
    }

    @Test
    void rangeUnwrittenSince_isFalseForRangesHoldingAKeyWrittenAfterTheStamp() {
        long stamp = recent.stamp();
        recent.endCommit(recent.beginCommit(put("m", "1")));

        assertThat(recent.rangeUnwrittenSince(b("a"), b("z"), stamp)).isFalse();
        assertThat(recent.rangeUnwrittenSince(b("a"), null, stamp)).isFalse();
        assertThat(recent.rangeUnwrittenSince(b("n"), b("z"), stamp)).isTrue();
        assertThat(recent.rangeUnwrittenSince(b("a"), b("m"), stamp)).isTrue();
        assertThat(recent.rangeUnwrittenSince(b("a"), b("z"), recent.stamp())).isTrue();
    }

    @Test
    void rangeUnwrittenSince_aStampOlderThanTheCommitsKept_isFalse() {
        long stamp = recent.stamp();
        IntStream.range(0, 5000).forEach(i -> recent.endCommit(recent.beginCommit(put("x", "v"))));

        assertThat(recent.rangeUnwrittenSince(b("a"), b("b"), stamp)).isFalse();
        assertThat(recent.rangeUnwrittenSince(b("a"), b("b"), recent.stamp() - 100))
                .isTrue();
    }

    @Test
    void commitsBeyondCapacity_evictEntries_andReadersStopAddingAtCapacity() {
        IntStream.range(0, 20).forEach(i -> recent.endCommit(recent.beginCommit(put("k" + i, "v"))));
        assertThat(known(20)).isLessThanOrEqualTo(8);

        IntStream.range(0, 20).forEach(i -> recent.offer(b("r" + i), b("v"), recent.stamp()));
        assertThat(IntStream.range(0, 20)
                                .filter(i -> recent.lookup(b("r" + i)) != RecentValues.UNKNOWN)
                                .count()
                        + known(20))
                .isLessThanOrEqualTo(8);
    }

    @Test
    void valueOverASixteenthOfTheBudget_isNeverKept_andItsCommitDropsTheKey() {
        RecentValues small = new RecentValues(8, 3200); // entries up to 200 bytes: key, value and 96 of overhead
        small.offer(b("k"), b("short"), small.stamp());
        assertThat(small.lookup(b("k"))).isEqualTo(b("short"));

        small.endCommit(small.beginCommit(put("k", "x".repeat(200))));
        assertThat(small.lookup(b("k"))).isSameAs(RecentValues.UNKNOWN);

        small.offer(b("k"), b("x".repeat(200)), small.stamp());
        assertThat(small.lookup(b("k"))).isSameAs(RecentValues.UNKNOWN);
    }

    @Test
    void commitsBeyondTheByteBudget_evictEntries() {
        RecentValues small = new RecentValues(1000, 2000); // about 18 entries of 108 bytes
        IntStream.range(0, 40).forEach(i -> small.endCommit(small.beginCommit(put("k" + i, "0123456789"))));

        long kept = IntStream.range(0, 40)
                .filter(i -> small.lookup(b("k" + i)) != RecentValues.UNKNOWN)
                .count();
        assertThat(kept).isPositive().isLessThanOrEqualTo(18);
    }

    private long known(int keys) {
        return IntStream.range(0, keys)
                .filter(i -> recent.lookup(b("k" + i)) != RecentValues.UNKNOWN)
                .count();
    }

    private static WriteBuffer put(String key, String value) {
        WriteBuffer writes = new WriteBuffer();
        writes.put(b(key), b(value));
        return writes;
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }
}
