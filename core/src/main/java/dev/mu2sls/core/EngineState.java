package dev.mu2sls.core;

import dev.mu2sls.PersistentMap;
import dev.mu2sls.PersistentValue;
import dev.mu2sls.State;
import dev.mu2sls.TypeRef;
import dev.mu2sls.spi.Codec;
import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Keys;
import java.lang.reflect.Type;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The {@link State} the engine hands to a service constructor: handles over the service's key range. */
final class EngineState implements State {
    private final String service;
    private final Codec codec;
    private final int maxValueBytes;
    private final Set<String> names = new HashSet<>();

    EngineState(String service, Codec codec, int maxValueBytes) {
        this.service = service;
        this.codec = codec;
        this.maxValueBytes = maxValueBytes;
    }

    /** Encodes a written value, refusing a key or value over {@link Limits} before anything is written. */
    private byte[] checked(String name, byte[] key, Object value, Type type) {
        Limits.checkStateWrite(service, name, key, null, maxValueBytes);
        byte[] bytes = codec.encode(value, type);
        Limits.checkStateWrite(service, name, key, bytes, maxValueBytes);
        return bytes;
    }

    @Override
    public <K, V> PersistentMap<K, V> map(String name, Class<K> keyType, Class<V> valueType) {
        return new EngineMap<>(declare(name), KeyCodec.of(keyType, service, name), valueType);
    }

    @Override
    public <K, V> PersistentMap<K, V> map(String name, Class<K> keyType, TypeRef<V> valueType) {
        return new EngineMap<>(declare(name), KeyCodec.of(keyType, service, name), valueType.type());
    }

    @Override
    public <T> PersistentValue<T> value(String name, Class<T> type) {
        return new EngineValue<>(declare(name), type);
    }

    @Override
    public <T> PersistentValue<T> value(String name, TypeRef<T> type) {
        return new EngineValue<>(declare(name), type.type());
    }

    private String declare(String name) {
        Objects.requireNonNull(name, "state name");
        if (name.isEmpty() || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(
                    "service " + service + ": state name must be non-empty and free of NUL: '" + name + "'");
        }
        if (!names.add(name)) {
            throw new IllegalArgumentException("service " + service + " declares state '" + name
                    + "' twice; each map or value needs its own name");
        }
        return name;
    }

    private final class EngineMap<K, V> implements PersistentMap<K, V> {
        private final String name;
        private final byte[] prefix;
        private final byte[] end;
        private final KeyCodec<K> keys;
        private final Type valueType;

        EngineMap(String name, KeyCodec<K> keys, Type valueType) {
            this.name = name;
            this.prefix = KeySpace.statePrefix(service, name);
            this.end = Keys.prefixEnd(prefix);
            this.keys = keys;
            this.valueType = valueType;
        }

        private StateAccess access() {
            return StateAccess.current(service, name);
        }

        private byte[] key(K key) {
            return KeySpace.concat(prefix, keys.encode(key));
        }

        @Override
        @SuppressWarnings("unchecked")
        public V get(K key) {
            byte[] bytes = access().get(key(key));
            return bytes == null ? null : (V) codec.decode(bytes, valueType);
        }

        @Override
        public boolean contains(K key) {
            return access().contains(key(key));
        }

        @Override
        public void put(K key, V value) {
            Objects.requireNonNull(value, "value must not be null; use remove()");
            byte[] encodedKey = key(key);
            access().put(encodedKey, checked(name, encodedKey, value, valueType));
        }

        @Override
        public void remove(K key) {
            access().remove(key(key));
        }

        @Override
        @SuppressWarnings("unchecked")
        public List<Map.Entry<K, V>> scan(K fromInclusive, K toExclusive, int limit) {
            if (limit <= 0) {
                throw new IllegalArgumentException("scan limit must be positive: " + limit);
            }
            byte[] from = fromInclusive == null ? prefix : key(fromInclusive);
            byte[] to = toExclusive == null ? end : key(toExclusive);
            List<Map.Entry<K, V>> entries = new ArrayList<>();
            if (Keys.ORDER.compare(from, to) >= 0) {
                return entries;
            }
            for (KeyValue kv : access().scan(from, to, limit)) {
                entries.add(new AbstractMap.SimpleImmutableEntry<>(
                        keys.decode(kv.key(), prefix.length), (V) codec.decode(kv.value(), valueType)));
            }
            return entries;
        }

        @Override
        public String toString() {
            return "PersistentMap[" + service + "." + name + "]";
        }
    }

    private final class EngineValue<T> implements PersistentValue<T> {
        private final String name;
        private final byte[] key;
        private final Type type;

        EngineValue(String name, Type type) {
            this.name = name;
            this.key = KeySpace.statePrefix(service, name);
            this.type = type;
        }

        private StateAccess access() {
            return StateAccess.current(service, name);
        }

        @Override
        @SuppressWarnings("unchecked")
        public T get() {
            byte[] bytes = access().get(key);
            return bytes == null ? null : (T) codec.decode(bytes, type);
        }

        @Override
        public void set(T value) {
            Objects.requireNonNull(value, "value must not be null; use clear()");
            access().put(key, checked(name, key, value, type));
        }

        @Override
        public void clear() {
            access().remove(key);
        }

        @Override
        public String toString() {
            return "PersistentValue[" + service + "." + name + "]";
        }
    }
}
