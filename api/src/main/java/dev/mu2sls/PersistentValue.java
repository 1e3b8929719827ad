package dev.mu2sls;

/**
 * A single durable value owned by one service; {@code null} until set. Same guarantees as
 * {@link PersistentMap}.
 *
 * @param <T> the value type
 */
public interface PersistentValue<T> {

    /** The current value, or {@code null} if never set or cleared. */
    T get();

    /** The current value, or {@code defaultValue} when unset. */
    default T getOrDefault(T defaultValue) {
        T value = get();
        return value == null ? defaultValue : value;
    }

    /**
     * Replaces the value.
     *
     * @throws NullPointerException if value is null (use {@link #clear})
     */
    void set(T value);

    /** Removes the value. */
    void clear();
}
