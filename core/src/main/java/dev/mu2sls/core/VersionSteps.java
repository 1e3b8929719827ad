package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.Deterministic;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * An execution's {@code Deterministic.version} calls: which version of a change a request runs,
 * so that a handler can change while requests it started are in flight.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>A step past the persisted journal records {@code maxSupported} as a {@link
 *       JournalEntry.Op#VERSION} step; it is not reproducible (newer code would choose another
 *       version), so it is persisted before anything leaves the execution.
 *   <li>A persisted step that is a {@code VERSION} of the same change id is replayed. Any other
 *       persisted step there was recorded by code before the change: the call returns {@link
 *       Deterministic#DEFAULT_VERSION} and takes no step, so the old journal lines up with the
 *       new code's steps.
 *   <li>The first answer for a change id holds for the rest of the execution and takes the only
 *       step; later calls take none, on the first execution and on replays alike.
 * </ul>
 */
final class VersionSteps {
    private final StepLog log;
    private final Map<String, Integer> decided = new HashMap<>();

    VersionSteps(StepLog log) {
        this.log = log;
    }

    int version(String changeId, int maxSupported) {
        Integer known = decided.get(changeId);
        if (known == null) {
            known = decide(changeId, maxSupported);
            decided.put(changeId, known);
        }
        return known;
    }

    private int decide(String changeId, int maxSupported) {
        log.rethrowIfStopped();
        byte[] target = changeId.getBytes(UTF_8);
        JournalEntry recorded = log.replayed(log.next());
        if (recorded != null
                && (recorded.op() != JournalEntry.Op.VERSION || !Arrays.equals(recorded.target(), target))) {
            return Deterministic.DEFAULT_VERSION;
        }
        int s = log.begin(JournalEntry.Op.VERSION, target);
        if (recorded == null) {
            log.buffer(new JournalEntry(s, JournalEntry.Op.VERSION, target, encode(maxSupported)));
            return maxSupported;
        }
        int version = ByteBuffer.wrap(recorded.value()).getInt();
        if (version > maxSupported) {
            throw log.divergence(
                    s,
                    "Deterministic.version(\"" + changeId + "\") of at least " + version,
                    "Deterministic.version(\"" + changeId + "\", " + maxSupported + ")");
        }
        return version;
    }

    static byte[] encode(int version) {
        return ByteBuffer.allocate(Integer.BYTES).putInt(version).array();
    }
}
