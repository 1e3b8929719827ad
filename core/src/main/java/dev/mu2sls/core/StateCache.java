package dev.mu2sls.core;

import dev.mu2sls.store.ByteKey;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The committed values of persistent state this engine last read or wrote, so that a handler's
 * read need not go to the store. A cached value may be stale (another instance wrote since):
 * that is safe because every state read is validated when its segment persists ({@code holds}),
 * and a stale one fails that check; the execution then replays and reads the store, as after any
 * concurrent write. A stale value is dropped when found.
 *
 * <p>Where several instances write the same keys, most cached values are stale and each costs a
 * replay; the cache then stops serving reads for a while ({@link #SUSPENDED_READS}) whenever more
 * than one in {@link #MAX_STALE_SHARE} of the last {@link #WINDOW} values it served were stale,
 * and tries again after. Requests of a key routed to one instance (a single instance per
 * service, or a platform that routes by key) keep their reads local.
 */
final class StateCache {
    private static final int WINDOW = 64;
    private static final int MAX_STALE_SHARE = 16;
    private static final int SUSPENDED_READS = 4096;
    /** The value of a key known to be absent (a cached {@code null}). */
    private static final byte[] ABSENT = new byte[0];

    private final int capacity;
    private final ConcurrentHashMap<ByteKey, byte[]> values = new ConcurrentHashMap<>();
    private final AtomicInteger servedInWindow = new AtomicInteger();
    private final AtomicInteger staleInWindow = new AtomicInteger();
    private final AtomicInteger suspendedFor = new AtomicInteger();
    private final LongAdder hits = new LongAdder();
    private final LongAdder stale = new LongAdder();

    /** @param capacity entries kept before the cache starts over; 0 turns it off */
    StateCache(int capacity) {
        this.capacity = capacity;
    }

    /** A cached value; {@code value} is null where the key is known to be absent. */
    record Hit(byte[] value) {}

    /** The cached value of {@code key}, or null on a miss (or while the cache is not serving). */
    Hit lookup(byte[] key) {
        if (capacity == 0) {
            return null;
        }
        byte[] cached = serving() ? values.get(new ByteKey(key)) : null;
        if (cached == null) {
            return null;
        }
        hits.increment();
        servedInWindow.incrementAndGet();
        return new Hit(cached == ABSENT ? null : cached);
    }

    /** {@code value} (null: absent) was just read from the store for {@code key}. */
    void loaded(byte[] key, byte[] value) {
        if (capacity == 0) {
            return;
        }
        if (values.size() >= capacity) {
            values.clear();
        }
        // A concurrent commit's value, if put meanwhile, is newer than this read's.
        values.putIfAbsent(new ByteKey(key.clone()), value == null ? ABSENT : value);
    }

    /** {@code value} (null: deleted) was committed for {@code key} by this engine. */
    void committed(byte[] key, byte[] value) {
        if (capacity > 0 && key[0] == KeySpace.STATE) { // a segment also writes timers and sends, never read here
            values.put(new ByteKey(key.clone()), value == null ? ABSENT : value);
        }
    }

    /** {@code key} may change without this engine seeing the value (a transaction's write). */
    void forget(byte[] key) {
        if (capacity > 0) {
            values.remove(new ByteKey(key));
        }
    }

    /** A read of {@code key} that returned {@code value} turned out stale when validated. */
    void stale(byte[] key, byte[] value) {
        if (capacity == 0) {
            return;
        }
        ByteKey cacheKey = new ByteKey(key);
        byte[] cached = values.get(cacheKey);
        byte[] held = value == null ? ABSENT : value;
        // Removes that very array only: a newer value put meanwhile stays (arrays compare by identity).
        if (cached != null && Arrays.equals(cached, held) && values.remove(cacheKey, cached)) {
            stale.increment();
            staleInWindow.incrementAndGet();
        }
    }

    private boolean serving() {
        if (suspendedFor.get() > 0) {
            suspendedFor.decrementAndGet();
            return false;
        }
        if (servedInWindow.get() >= WINDOW) {
            int served = servedInWindow.getAndSet(0);
            int staleOnes = staleInWindow.getAndSet(0);
            if (served > 0 && staleOnes * MAX_STALE_SHARE > served) {
                suspendedFor.set(SUSPENDED_READS);
                return false;
            }
        }
        return true;
    }

    long hits() {
        return hits.sum();
    }

    long staleHits() {
        return stale.sum();
    }
}
