package dev.mu2sls.processor;

import dev.mu2sls.PersistentMap;
import dev.mu2sls.PersistentValue;
import dev.mu2sls.State;
import dev.mu2sls.TypeRef;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** A {@link State} kept in plain maps, enough to drive generated dispatchers in tests. */
final class InMemoryState implements State {
    final Map<String, TreeMap<Object, Object>> maps = new TreeMap<>();
    final Map<String, Object> values = new TreeMap<>();

    @Override
    public <K, V> PersistentMap<K, V> map(String name, Class<K> keyType, Class<V> valueType) {
        return new MapView<>(maps.computeIfAbsent(name, n -> new TreeMap<>()));
    }

    @Override
    public <K, V> PersistentMap<K, V> map(String name, Class<K> keyType, TypeRef<V> valueType) {
        return new MapView<>(maps.computeIfAbsent(name, n -> new TreeMap<>()));
    }

    @Override
    public <T> PersistentValue<T> value(String name, Class<T> type) {
        return new ValueView<>(name);
    }

    @Override
    public <T> PersistentValue<T> value(String name, TypeRef<T> type) {
        return new ValueView<>(name);
    }

    private record MapView<K, V>(TreeMap<Object, Object> entries) implements PersistentMap<K, V> {
        @Override
        @SuppressWarnings("unchecked")
        public V get(K key) {
            return (V) entries.get(key);
        }

        @Override
        public boolean contains(K key) {
            return entries.containsKey(key);
        }

        @Override
        public void put(K key, V value) {
            entries.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
        }

        @Override
        public void remove(K key) {
            entries.remove(key);
        }

        @Override
        @SuppressWarnings("unchecked")
        public List<Map.Entry<K, V>> scan(K fromInclusive, K toExclusive, int limit) {
            List<Map.Entry<K, V>> out = new ArrayList<>();
            for (Map.Entry<Object, Object> entry : entries.entrySet()) {
                if (out.size() < limit) {
                    out.add(new AbstractMap.SimpleImmutableEntry<>((K) entry.getKey(), (V) entry.getValue()));
                }
            }
            return out;
        }
    }

    private final class ValueView<T> implements PersistentValue<T> {
        private final String name;

        ValueView(String name) {
            this.name = name;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T get() {
            return (T) values.get(name);
        }

        @Override
        public void set(T value) {
            values.put(name, Objects.requireNonNull(value));
        }

        @Override
        public void clear() {
            values.remove(name);
        }
    }
}
