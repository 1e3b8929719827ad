package dev.mu2sls.spec;

import dev.mu2sls.core.ExecutionListener;
import dev.mu2sls.core.JournalEntry;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records the choices of completed requests from an engine (as its {@link ExecutionListener})
 * and hands them to a spec run. A choice the implementation never made (a request that did not
 * complete) falls back to a value derived from the seed, so standalone spec runs work too.
 */
public final class RecordedChoices implements ExecutionListener, Choices {
    private final Map<String, byte[]> recorded = new ConcurrentHashMap<>();
    private final long fallbackSeed;

    public RecordedChoices(long fallbackSeed) {
        this.fallbackSeed = fallbackSeed;
    }

    @Override
    public void completed(String requestId, List<JournalEntry> journal) {
        for (JournalEntry entry : journal) {
            if (entry.op().isChoice()) {
                recorded.put(key(requestId, entry.step()), entry.value());
            }
        }
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
        return value == null ? Instant.ofEpochSecond(1_700_000_000L + step) : Instant.ofEpochSecond(value.getLong(), value.getInt());
    }

    @Override
    public long randomSeed(String requestId, int step) {
        ByteBuffer value = lookup(requestId, step);
        return value == null ? fallback(requestId, step).nextLong() : value.getLong();
    }

    @Override
    public int any(String requestId, int step, int count) {
        ByteBuffer value = lookup(requestId, step);
        return value == null ? 0 : value.getInt();
    }
}
