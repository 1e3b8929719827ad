package dev.mu2sls.spec;

import dev.mu2sls.PersistentMap;
import dev.mu2sls.PersistentValue;
import dev.mu2sls.State;
import dev.mu2sls.TypeRef;
import dev.mu2sls.spi.Codec;
import dev.mu2sls.spi.Contexts;
import java.lang.reflect.Type;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Spec state: plain sorted maps of encoded values (so values are copies, as in the engine),
 * ordered as the engine orders keys (code points for strings, unsigned for UUIDs). Every write
 * goes through the runner's {@link SpecLog}, which can undo it and hashes the state.
 */
final class SpecState implements State {
    private final String service;
    private final Codec codec;
    private final SpecLog log;
    private final Map<String, TreeMap<Object, byte[]>> maps = new TreeMap<>();
    private final TreeMap<Object, byte[]> values = new TreeMap<>();
    private final SpecLog.Table valuesTable;

    SpecState(String service, Codec codec, SpecLog log) {
        this.service = service;
        this.codec = codec;
        this.log = log;
        this.valuesTable = new SpecLog.Table(SpecLog.nameHash(service, ""), service + ".", false);
    }

    @Override
    public <K, V> PersistentMap<K, V> map(String name, Class<K> keyType, Class<V> valueType) {
        return new SpecMap<>(name, keyType, valueType);
    }

    @Override
    public <K, V> PersistentMap<K, V> map(String name, Class<K> keyType, TypeRef<V> valueType) {
        return new SpecMap<>(name, keyType, valueType.type());
    }

    @Override
    public <T> PersistentValue<T> value(String name, Class<T> type) {
        return new SpecValue<>(name, type);
    }

    @Override
    public <T> PersistentValue<T> value(String name, TypeRef<T> type) {
        return new SpecValue<>(name, type.type());
    }

    void dumpInto(SortedMap<String, String> dump) {
        maps.forEach((name, entries) -> entries.forEach(
                (key, value) -> dump.put(service + "." + name + "[" + SpecLog.render(key) + "]", codec.toJson(value))));
        values.forEach((name, value) -> dump.put(service + "." + name, codec.toJson(value)));
    }

    private static void step() {
        ((SpecRunner.Context) Contexts.current()).nextStep();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Comparator<Object> order(Class<?> keyType) {
        if (keyType == String.class) {
            return (a, b) -> compareCodePoints((String) a, (String) b);
        }
        if (keyType == UUID.class) {
            return (a, b) -> {
                UUID x = (UUID) a;
                UUID y = (UUID) b;
                int high = Long.compareUnsigned(x.getMostSignificantBits(), y.getMostSignificantBits());
                return high != 0
                        ? high
                        : Long.compareUnsigned(x.getLeastSignificantBits(), y.getLeastSignificantBits());
            };
        }
        return (a, b) -> ((Comparable) a).compareTo(b);
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private final class SpecMap<K, V> implements PersistentMap<K, V> {
        private final TreeMap<Object, byte[]> entries;
        private final Type valueType;
        private final SpecLog.Table table;

        SpecMap(String name, Class<K> keyType, Type valueType) {
            this.entries = maps.computeIfAbsent(name, n -> new TreeMap<>(order(keyType)));
            this.valueType = valueType;
            this.table = new SpecLog.Table(SpecLog.nameHash(service, name), service + "." + name + "[", true);
        }

        @Override
        @SuppressWarnings("unchecked")
        public V get(K key) {
            step();
            byte[] value = entries.get(Objects.requireNonNull(key, "map keys must not be null"));
            return value == null ? null : (V) codec.decode(value, valueType);
        }

        @Override
        public boolean contains(K key) {
            step();
            return entries.containsKey(Objects.requireNonNull(key, "map keys must not be null"));
        }

        @Override
        public void put(K key, V value) {
            Objects.requireNonNull(key, "map keys must not be null");
            Objects.requireNonNull(value, "value must not be null; use remove()");
            step();
            byte[] encoded = codec.encode(value, valueType);
            log.written(entries, table, key, entries.put(key, encoded), encoded);
        }

        @Override
        public void remove(K key) {
            Objects.requireNonNull(key, "map keys must not be null");
            step();
            log.written(entries, table, key, entries.remove(key), null);
        }

        @Override
        @SuppressWarnings("unchecked")
        public List<Map.Entry<K, V>> scan(K fromInclusive, K toExclusive, int limit) {
            if (limit <= 0) {
                throw new IllegalArgumentException("scan limit must be positive: " + limit);
            }
            List<Map.Entry<K, V>> result = new ArrayList<>();
            if (fromInclusive != null
                    && toExclusive != null
                    && entries.comparator().compare(fromInclusive, toExclusive) >= 0) {
                return result;
            }
            step();
            NavigableMap<Object, byte[]> range = entries;
            if (fromInclusive != null) {
                range = range.tailMap(fromInclusive, true);
            }
            if (toExclusive != null) {
                range = range.headMap(toExclusive, false);
            }
            for (Map.Entry<Object, byte[]> entry : range.entrySet()) {
                if (result.size() == limit) {
                    break;
                }
                result.add(new AbstractMap.SimpleImmutableEntry<>(
                        (K) entry.getKey(), (V) codec.decode(entry.getValue(), valueType)));
            }
            return result;
        }
    }

    private final class SpecValue<T> implements PersistentValue<T> {
        private final String name;
        private final Type type;

        SpecValue(String name, Type type) {
            this.name = name;
            this.type = type;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T get() {
            step();
            byte[] value = values.get(name);
            return value == null ? null : (T) codec.decode(value, type);
        }

        @Override
        public void set(T value) {
            Objects.requireNonNull(value, "value must not be null; use clear()");
            step();
            byte[] encoded = codec.encode(value, type);
            log.written(values, valuesTable, name, values.put(name, encoded), encoded);
        }

        @Override
        public void clear() {
            step();
            log.written(values, valuesTable, name, values.remove(name), null);
        }
    }
}
