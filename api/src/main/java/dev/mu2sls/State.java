package dev.mu2sls;

/**
 * Declares a service's persistent state. The runtime passes one to the service constructor;
 * the handles it returns are stateless views that act on the state of whichever request is
 * executing, so one service object serves all concurrent requests.
 *
 * <pre>{@code
 * public Hotel(State state) {
 *     rooms = state.map("rooms", String.class, HotelRoom.class);
 *     opened = state.value("opened", Instant.class);
 * }
 * }</pre>
 *
 * <h2>Errors</h2>
 * Declaring the same name twice, or a key type other than {@code String}, {@code Long},
 * {@code Integer} or {@code UUID}, is an {@link IllegalArgumentException} at construction.
 */
public interface State {

    /** A map whose entries are stored under individual keys, ordered by key for scans. */
    <K, V> PersistentMap<K, V> map(String name, Class<K> keyType, Class<V> valueType);

    /** A map whose value type is generic, e.g. {@code new TypeRef<List<String>>() {}}. */
    <K, V> PersistentMap<K, V> map(String name, Class<K> keyType, TypeRef<V> valueType);

    /** A single persistent value, {@code null} until first set. */
    <T> PersistentValue<T> value(String name, Class<T> type);

    /** A single persistent value of a generic type. */
    <T> PersistentValue<T> value(String name, TypeRef<T> type);
}
