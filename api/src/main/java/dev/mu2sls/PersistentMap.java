package dev.mu2sls;

import java.util.List;
import java.util.Map;

/**
 * A durable ordered map owned by one service. Values are copied in and out (serialized), so
 * mutating a returned object changes nothing: write it back with {@link #put}. Immutable records
 * are the idiom.
 *
 * <h2>Guarantees</h2>
 * Each operation is one journaled step of the executing request: on re-execution it returns the
 * value the first execution saw (G3), and a write is applied once (G1). The operations of one
 * request between two calls to other services are applied atomically, validated against
 * concurrent writers; inside a transaction they join it.
 *
 * <h2>Order</h2>
 * Scans return entries in key order: lexicographic by UTF-8 bytes for {@code String}
 * (code point order), numeric for {@code Long}/{@code Integer}.
 *
 * @param <K> key type: {@code String}, {@code Long}, {@code Integer} or {@code UUID}
 * @param <V> value type, any serializable value
 */
public interface PersistentMap<K, V> {

    /** The value under {@code key}, or {@code null}. */
    V get(K key);

    /** The value under {@code key}, or {@code defaultValue} when absent. */
    default V getOrDefault(K key, V defaultValue) {
        V value = get(key);
        return value == null ? defaultValue : value;
    }

    /** Whether {@code key} has a value. */
    boolean contains(K key);

    /**
     * Stores {@code value} under {@code key}.
     *
     * @throws NullPointerException if key or value is null (use {@link #remove})
     */
    void put(K key, V value);

    /** Removes {@code key}; removing an absent key is allowed and changes nothing. */
    void remove(K key);

    /**
     * Entries with {@code fromInclusive <= key < toExclusive} in key order, at most {@code limit}.
     *
     * @param fromInclusive lower bound, or {@code null} for the first key
     * @param toExclusive upper bound, or {@code null} for past the last key
     * @param limit maximum number of entries, positive
     */
    List<Map.Entry<K, V>> scan(K fromInclusive, K toExclusive, int limit);
}
