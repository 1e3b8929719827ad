package dev.mu2sls.core;

import dev.mu2sls.store.Keys;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/** Persistent state entries, read and rendered for the {@link Inspector}. */
final class StateListing {
    private final StoreScan scan;
    private final ValueRenderer values;

    StateListing(StoreScan scan, ValueRenderer values) {
        this.scan = scan;
        this.values = values;
    }

    /** See {@link Inspector#state}. */
    List<Inspector.StateEntry> entries(String service, String stateName, String key, int limit) {
        if (service.indexOf(0) >= 0 || stateName.indexOf(0) >= 0) {
            throw new IllegalArgumentException("service and state names contain no NUL character");
        }
        byte[] prefix = KeySpace.statePrefix(service, stateName);
        List<Inspector.StateEntry> entries = new ArrayList<>();
        if (key == null) {
            scan.forEach(
                    prefix,
                    Keys.prefixEnd(prefix),
                    kv -> {
                        if (entries.size() < limit) {
                            entries.add(new Inspector.StateEntry(
                                    KeySpace.describeState(kv.key()), values.whole(kv.value())));
                        }
                    },
                    limit);
            return entries;
        }
        for (byte[] encoded : candidateKeys(key)) {
            byte[] stateKey = KeySpace.concat(prefix, encoded);
            byte[] value = scan.get(stateKey);
            if (value != null && entries.size() < limit) {
                entries.add(new Inspector.StateEntry(KeySpace.describeState(stateKey), values.whole(value)));
            }
        }
        return entries;
    }

    /** See {@link Inspector#dumpState}. */
    SortedMap<String, String> all() {
        SortedMap<String, String> state = new TreeMap<>();
        scan.forEach(KeySpace.STATE, kv -> state.put(KeySpace.describeState(kv.key()), values.whole(kv.value())));
        return state;
    }

    /** The encodings {@code key} may have: as a string, and as a long, int or UUID when it reads as one. */
    private static List<byte[]> candidateKeys(String key) {
        List<byte[]> candidates = new ArrayList<>();
        candidates.add(KeyCodec.of(String.class, "", "").encode(key));
        try {
            long number = Long.parseLong(key);
            candidates.add(KeyCodec.of(Long.class, "", "").encode(number));
            if (number == (int) number) {
                candidates.add(KeyCodec.of(Integer.class, "", "").encode((int) number));
            }
        } catch (NumberFormatException notANumber) {
            // a string key only
        }
        try {
            candidates.add(KeyCodec.of(UUID.class, "", "").encode(UUID.fromString(key)));
        } catch (IllegalArgumentException notAUuid) {
            // a string key only
        }
        return candidates;
    }
}
