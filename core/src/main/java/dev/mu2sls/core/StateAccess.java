package dev.mu2sls.core;

import dev.mu2sls.spi.Contexts;
import dev.mu2sls.spi.ExecutionContext;
import dev.mu2sls.store.KeyValue;
import java.util.List;

/** Byte-level state operations of the executing request, journaled or not depending on the mode. */
interface StateAccess {

    byte[] get(byte[] key);

    boolean contains(byte[] key);

    void put(byte[] key, byte[] value);

    void remove(byte[] key);

    List<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive, int limit);

    /** The state access of the request executing on this thread. */
    static StateAccess current(String service, String stateName) {
        ExecutionContext context = Contexts.current();
        if (context instanceof StateAccess access && access.owns(service)) {
            return access;
        }
        throw new IllegalStateException("state '" + stateName + "' of service " + service
                + " was used outside that service's own execution; persistent state belongs to its service, "
                + "call the service through its client instead");
    }

    /** Whether this execution runs a method of {@code service} (only its own state is reachable). */
    boolean owns(String service);
}
