package dev.mu2sls.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.check.ListAppendChecker.Op;
import dev.mu2sls.check.ListAppendChecker.Txn;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Known-good and known-bad histories: the checker accepts the one and rejects each of the others. */
class ListAppendCheckerTest {

    @Test
    void serialHistory_isValid() {
        List<Txn> history = List.of(
                new Txn("T1", List.of(Op.append("x", 1), Op.read("y", List.of()))),
                new Txn("T2", List.of(Op.read("x", List.of(1)), Op.append("y", 2))),
                new Txn("T3", List.of(Op.read("x", List.of(1)), Op.read("y", List.of(2)), Op.append("x", 3))));
        ListAppendChecker.Result result = ListAppendChecker.check(history, Map.of("x", List.of(1, 3), "y", List.of(2)));
        assertThat(result.anomalies()).isEmpty();
        assertThat(result.edges()).isPositive();
    }

    @Test
    void writeSkew_isRejectedAsCycle() {
        // G2: each read misses the other's append, so each must precede the other.
        List<Txn> history = List.of(
                new Txn("T1", List.of(Op.read("x", List.of()), Op.append("y", 1))),
                new Txn("T2", List.of(Op.read("y", List.of()), Op.append("x", 2))));
        ListAppendChecker.Result result = ListAppendChecker.check(history, Map.of("x", List.of(2), "y", List.of(1)));
        assertThat(result.valid()).isFalse();
        assertThat(result.anomalies())
                .anySatisfy(a -> assertThat(a).startsWith("cycle").contains("T1", "T2", "rw"));
    }

    @Test
    void circularInformationFlow_isRejectedAsCycle() {
        // G1c: each reads the other's append.
        List<Txn> history = List.of(
                new Txn("T1", List.of(Op.append("x", 1), Op.read("y", List.of(2)))),
                new Txn("T2", List.of(Op.append("y", 2), Op.read("x", List.of(1)))));
        ListAppendChecker.Result result = ListAppendChecker.check(history, Map.of("x", List.of(1), "y", List.of(2)));
        assertThat(result.anomalies())
                .anySatisfy(a -> assertThat(a).startsWith("cycle").contains("wr"));
    }

    @Test
    void lostWriteDirtyReadAndDuplicate_areReported() {
        List<Txn> history = List.of(
                new Txn("T1", List.of(Op.append("x", 1))),
                new Txn("T2", List.of(Op.append("x", 2), Op.read("y", List.of(9)))));
        ListAppendChecker.Result result = ListAppendChecker.check(history, Map.of("x", List.of(1, 1), "y", List.of(9)));
        assertThat(result.anomalies())
                .anySatisfy(a -> assertThat(a).contains("lost write").contains("T2"))
                .anySatisfy(a -> assertThat(a).contains("G1a"))
                .anySatisfy(a -> assertThat(a).contains("twice"));
    }

    @Test
    void incompatibleReads_areReported() {
        List<Txn> history = List.of(
                new Txn("T1", List.of(Op.append("x", 1))),
                new Txn("T2", List.of(Op.append("x", 2))),
                new Txn("T3", List.of(Op.read("x", List.of(1, 2)))),
                new Txn("T4", List.of(Op.read("x", List.of(2)))));
        ListAppendChecker.Result result = ListAppendChecker.check(history, Map.of());
        assertThat(result.anomalies())
                .anySatisfy(a -> assertThat(a).contains("T4").contains("not a prefix"));
    }
}
