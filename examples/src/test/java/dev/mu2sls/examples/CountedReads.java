package dev.mu2sls.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.core.CallTransport;
import dev.mu2sls.core.Engine;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.Response;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.spi.ServiceDefinition;
import dev.mu2sls.store.ForwardingStore;
import dev.mu2sls.store.MemoryStore;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory store that counts point reads outside a store transaction of one kind of key (its
 * first byte, a {@code KeySpace} prefix), and engines on it: what the tests of a read saved count.
 */
final class CountedReads extends ForwardingStore {
    private final byte kind;
    private final AtomicInteger reads = new AtomicInteger();

    CountedReads(char kind) {
        super(new MemoryStore());
        this.kind = (byte) kind;
    }

    int reads() {
        return reads.get();
    }

    void reset() {
        reads.set(0);
    }

    @Override
    public byte[] get(byte[] key) {
        count(key);
        return super.get(key);
    }

    @Override
    public List<byte[]> getAll(List<byte[]> keys) {
        keys.forEach(this::count);
        return super.getAll(keys);
    }

    private void count(byte[] key) {
        if (key.length > 1 && key[0] == kind) {
            reads.incrementAndGet();
        }
    }

    /** An engine on this store whose calls go to itself. */
    Engine engine(List<ServiceDefinition> services) {
        Engine[] engine = new Engine[1];
        engine[0] = engine(services, invocation -> engine[0].invoke(invocation));
        return engine[0];
    }

    Engine engine(List<ServiceDefinition> services, CallTransport transport) {
        return Engine.builder()
                .store(this)
                .codec(new JsonCodec())
                .services(services)
                .transport(transport)
                .build();
    }

    /** A client request's first delivery (attempt 0), accepted durably. */
    static Response submit(Engine engine, String id, String service, String method, String json) {
        return engine.submit(new Invocation(id, service, method, json.getBytes(UTF_8), 0));
    }
}
