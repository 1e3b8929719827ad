package dev.mu2sls.check;

import dev.mu2sls.Deterministic;
import dev.mu2sls.PersistentMap;
import dev.mu2sls.State;
import dev.mu2sls.Transaction;
import dev.mu2sls.spi.MethodRef;
import dev.mu2sls.spi.ServiceDefinition;
import java.util.List;

/**
 * A counter service written against the SPI by hand (this module has no annotation processor):
 * {@code add(key, delta)} returns the new value; {@code addTwice(key, delta)} adds to two keys
 * in one transaction and aborts when {@code delta} is negative; {@code ticket()} returns a
 * {@code Deterministic.uuid()}.
 */
final class CounterDefinition implements ServiceDefinition {
    static final MethodRef ADD =
            new MethodRef("Counter", "add", 0, List.of("key", "delta"), List.of(String.class, long.class), long.class);
    static final MethodRef GET = new MethodRef("Counter", "get", 1, List.of("key"), List.of(String.class), long.class);
    static final MethodRef ADD_BOTH = new MethodRef(
            "Counter",
            "addBoth",
            2,
            List.of("first", "second", "delta"),
            List.of(String.class, String.class, long.class),
            boolean.class);
    static final MethodRef TICKET = new MethodRef("Counter", "ticket", 3, List.of(), List.of(), String.class);

    /** The service class. */
    static final class Counter {
        private final PersistentMap<String, Long> counts;

        Counter(State state) {
            counts = state.map("counts", String.class, Long.class);
        }

        long add(String key, long delta) {
            long value = counts.getOrDefault(key, 0L) + delta;
            counts.put(key, value);
            return value;
        }

        boolean addBoth(String first, String second, long delta) {
            return Transaction.run(tx -> {
                add(first, delta);
                add(second, delta);
                if (delta < 0) {
                    tx.abort();
                    return false;
                }
                return true;
            });
        }

        String ticket() {
            return Deterministic.uuid().toString();
        }
    }

    @Override
    public String name() {
        return "Counter";
    }

    @Override
    public Class<?> serviceClass() {
        return Counter.class;
    }

    @Override
    public List<MethodRef> methods() {
        return List.of(ADD, GET, ADD_BOTH, TICKET);
    }

    @Override
    public Object newInstance(State state) {
        return new Counter(state);
    }

    @Override
    public Object invoke(Object service, int methodIndex, Object[] args) {
        Counter counter = (Counter) service;
        return switch (methodIndex) {
            case 0 -> counter.add((String) args[0], (Long) args[1]);
            case 1 -> counter.counts.getOrDefault((String) args[0], 0L);
            case 2 -> counter.addBoth((String) args[0], (String) args[1], (Long) args[2]);
            case 3 -> counter.ticket();
            default -> throw new IllegalArgumentException("Counter has no method number " + methodIndex);
        };
    }
}
