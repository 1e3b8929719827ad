package dev.mu2sls.core;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where fresh nondeterministic values come from before they are journaled. Platforms use
 * {@link #system()}; tests may substitute a seeded source.
 */
public interface Entropy {

    UUID uuid();

    Instant now();

    long randomSeed();

    /** The system clock and a thread-local random generator. */
    static Entropy system() {
        return new Entropy() {
            @Override
            public UUID uuid() {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
                long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
                return new UUID(msb, lsb);
            }

            @Override
            public Instant now() {
                return Instant.now();
            }

            @Override
            public long randomSeed() {
                return ThreadLocalRandom.current().nextLong();
            }
        };
    }
}
