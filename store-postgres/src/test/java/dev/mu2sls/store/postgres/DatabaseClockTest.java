package dev.mu2sls.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The database clock's arithmetic, on a server clock and a monotonic clock both driven by hand. */
class DatabaseClockTest {
    private static final long HOUR_AHEAD = 1_700_000_000_000L + 3_600_000;
    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final AtomicLong server = new AtomicLong(HOUR_AHEAD);
    private final AtomicInteger serverReads = new AtomicInteger();

    private DatabaseClock clock() {
        return new DatabaseClock(
                () -> {
                    serverReads.incrementAndGet();
                    return server.get();
                },
                nanos::get);
    }

    @Test
    void betweenReadings_theServerTimeAdvancesWithTheLocalMonotonicClock_withoutARoundTrip() {
        DatabaseClock clock = clock();
        nanos.addAndGet(2_500_000_000L);

        assertThat(clock.millis()).isEqualTo(HOUR_AHEAD + 2_500);
        assertThat(clock.instant().toEpochMilli()).isEqualTo(HOUR_AHEAD + 2_500);
        assertThat(serverReads).as("one reading, at opening").hasValue(1);
    }

    @Test
    void afterTheRecalibrationPeriod_theServerIsReadAgain_andItsTimeWins() {
        DatabaseClock clock = clock();
        nanos.addAndGet(DatabaseClock.RECALIBRATION.toNanos() + 1);
        server.set(HOUR_AHEAD + 10); // the server's clock was stepped back against ours

        assertThat(clock.millis()).isEqualTo(HOUR_AHEAD + 10);
        assertThat(serverReads).hasValue(2);
    }

    @Test
    void aFailedRecalibration_keepsTheLastReading() {
        AtomicInteger calls = new AtomicInteger();
        DatabaseClock clock = new DatabaseClock(
                () -> {
                    if (calls.incrementAndGet() > 1) {
                        throw new IllegalStateException("server gone");
                    }
                    return HOUR_AHEAD;
                },
                nanos::get);
        nanos.addAndGet(DatabaseClock.RECALIBRATION.toNanos() + 1_000_000);

        assertThat(clock.millis()).isEqualTo(HOUR_AHEAD + DatabaseClock.RECALIBRATION.toMillis() + 1);
    }

    @Test
    void aServerThatCannotTellItsTime_failsTheOpening() {
        assertThatThrownBy(() -> new DatabaseClock(
                        () -> {
                            throw new IllegalStateException("cannot read the PostgreSQL server's clock: refused");
                        },
                        nanos::get))
                .hasMessageContaining("server's clock");
    }
}
