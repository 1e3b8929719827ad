package dev.mu2sls.spec;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.Deterministic;
import dev.mu2sls.core.ExecutionListener;
import dev.mu2sls.core.JournalEntry;
import dev.mu2sls.core.Mode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records the choices of completed requests from an engine (as its {@link ExecutionListener})
 * and hands them to a spec run. A choice the implementation never made (a request that did not
 * complete) falls back to a value derived from the seed, so standalone spec runs work too.
 * It also records which transactions conflicted and ran again, so that the spec continues from
 * the steps of the attempt that counted ({@link #transactionBegin}).
 */
public final class RecordedChoices implements ExecutionListener, Choices {
    private final Map<String, byte[]> recorded = new ConcurrentHashMap<>();
    /** Request id (client or call) to the state keys its completed execution wrote, rendered as in dumps. */
    private final Map<String, Set<String>> writes = new ConcurrentHashMap<>();
    /** Client request id to the ids of the calls it made (at any depth) that completed. */
    private final Map<String, Set<String>> calls = new ConcurrentHashMap<>();
    /** Client request id to the step ranges [begin, end] of its transaction attempts that conflicted. */
    private final Map<String, List<int[]>> conflicted = new ConcurrentHashMap<>();
    /** requestId#firstBeginStep to the begin step of the attempt that did not conflict, where they differ. */
    private final Map<String, Integer> retriedTransactions = new ConcurrentHashMap<>();
    /** requestId#step to the change id of the {@code VERSION} step journaled there. */
    private final Map<String, String> versionChanges = new ConcurrentHashMap<>();

    private final long fallbackSeed;

    private final Mode mode;

    /** Choices of an engine in {@link Mode#FULL}. */
    public RecordedChoices(long fallbackSeed) {
        this(fallbackSeed, Mode.FULL);
    }

    /**
     * Choices of an engine in {@code mode}, which decides how it numbers steps: with
     * transactions off, begin, commit and abort take none ({@link #transactionSteps()}). In
     * {@link Mode#UNSAFE} nothing is journaled, so nothing is recorded and every choice falls back.
     */
    public RecordedChoices(long fallbackSeed, Mode mode) {
        this.fallbackSeed = fallbackSeed;
        this.mode = mode;
    }

    @Override
    public boolean transactionSteps() {
        return mode == Mode.FULL;
    }

    @Override
    public void completed(String requestId, List<JournalEntry> journal) {
        TreeSet<Integer> begins = new TreeSet<>();
        Map<Integer, Integer> retries = new HashMap<>();
        int slash = requestId.indexOf('/');
        Set<String> written = new HashSet<>();
        if (slash >= 0) {
            calls.computeIfAbsent(requestId.substring(0, slash), id -> ConcurrentHashMap.newKeySet())
                    .add(requestId);
        }
        List<int[]> conflicts = new ArrayList<>();
        for (JournalEntry entry : journal) {
            if (entry.op() == JournalEntry.Op.PUT || entry.op() == JournalEntry.Op.REMOVE) {
                written.add(entry.stateKey());
            }
            if (entry.op() == JournalEntry.Op.VERSION) {
                versionChanges.put(key(requestId, entry.step()), new String(entry.target(), UTF_8));
            }
            if (entry.op().isChoice()) {
                recorded.put(key(requestId, entry.step()), entry.value());
            } else if (entry.op() == JournalEntry.Op.TX_BEGIN) {
                begins.add(entry.step());
            }
        }
        for (JournalEntry entry : journal) {
            if (entry.conflicted()) {
                String id = new String(entry.target(), UTF_8);
                int begin = Integer.parseInt(id.substring(id.lastIndexOf('/') + 1));
                conflicts.add(new int[] {begin, entry.step()});
                Integer next = begins.higher(entry.step());
                retries.put(begin, next != null ? next : entry.step() + 1); // Transaction.run begins again at once
            }
        }
        for (int first : retries.keySet()) {
            if (retries.containsValue(first)) {
                continue; // a retry itself, not the first attempt
            }
            int last = first;
            while (retries.containsKey(last)) {
                last = retries.get(last);
            }
            retriedTransactions.put(key(requestId, first), last);
        }
        writes.put(requestId, Set.copyOf(written));
        if (slash < 0) {
            conflicted.put(requestId, List.copyOf(conflicts));
        }
    }

    /**
     * The state keys (rendered as {@code Inspector.dumpState()} renders them) that client request
     * {@code requestId} wrote: its own completed execution and the calls it made, leaving out the
     * calls made by transaction attempts that conflicted (their writes were never applied); null
     * if the request did not complete. A hint for checkers: in the order the implementation
     * took, the spec writes a subset of these keys.
     */
    public Set<String> writtenKeys(String requestId) {
        List<int[]> conflicts = conflicted.get(requestId);
        if (conflicts == null) {
            return null;
        }
        Set<String> keys = new HashSet<>(writes.getOrDefault(requestId, Set.of()));
        for (String call : calls.getOrDefault(requestId, Set.of())) {
            String rest = call.substring(requestId.length() + 1);
            int slash = rest.indexOf('/');
            int step = Integer.parseInt(slash < 0 ? rest : rest.substring(0, slash));
            if (conflicts.stream().noneMatch(range -> step >= range[0] && step <= range[1])) {
                keys.addAll(writes.getOrDefault(call, Set.of()));
            }
        }
        return keys;
    }

    @Override
    public int transactionBegin(String requestId, int step) {
        return retriedTransactions.getOrDefault(key(requestId, step), step);
    }

    private static String key(String requestId, int step) {
        return requestId + "#" + step;
    }

    private ByteBuffer lookup(String requestId, int step) {
        byte[] value = recorded.get(key(requestId, step));
        return value == null ? null : ByteBuffer.wrap(value);
    }

    private SplittableRandom fallback(String requestId, int step) {
        return new SplittableRandom(fallbackSeed ^ (requestId.hashCode() * 0x9E3779B97F4A7C15L) ^ step);
    }

    @Override
    public UUID uuid(String requestId, int step) {
        ByteBuffer value = lookup(requestId, step);
        if (value == null) {
            SplittableRandom random = fallback(requestId, step);
            return new UUID(random.nextLong(), random.nextLong());
        }
        return new UUID(value.getLong(), value.getLong());
    }

    @Override
    public Instant now(String requestId, int step) {
        ByteBuffer value = lookup(requestId, step);
        return value == null
                ? Instant.ofEpochSecond(1_700_000_000L + step)
                : Instant.ofEpochSecond(value.getLong(), value.getInt());
    }

    @Override
    public long randomSeed(String requestId, int step) {
        ByteBuffer value = lookup(requestId, step);
        return value == null ? fallback(requestId, step).nextLong() : value.getLong();
    }

    @Override
    public byte[] effect(String requestId, int step) {
        return recorded.get(key(requestId, step));
    }

    /** A completed request took no step where it journaled no version of {@code changeId}. */
    @Override
    public int version(String requestId, int step, String changeId, int maxSupported) {
        if (changeId.equals(versionChanges.get(key(requestId, step)))) {
            return lookup(requestId, step).getInt();
        }
        return writes.containsKey(requestId) ? Deterministic.DEFAULT_VERSION : maxSupported;
    }

    @Override
    public int any(String requestId, int step, int count) {
        ByteBuffer value = lookup(requestId, step);
        return value == null ? 0 : value.getInt();
    }
}
