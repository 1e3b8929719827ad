package dev.mu2sls.store.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import javax.sql.DataSource;

/**
 * The database server's clock, which every process sharing the store agrees on: execution
 * deadlines, retention and leases (assumption A6) are measured on it, not on each instance's own
 * clock. Read from the server once a minute (its error is half a round trip) and advanced with
 * this process's monotonic clock in between, so reading it costs no round trip.
 */
final class DatabaseClock implements InstantSource {
    static final Duration RECALIBRATION = Duration.ofMinutes(1);
    private static final System.Logger LOG = System.getLogger(DatabaseClock.class.getName());

    private final LongSupplier serverMillis;
    private final LongSupplier nanoTime;
    private final AtomicBoolean calibrating = new AtomicBoolean();
    private volatile Reading reading;

    /** A server reading and the local monotonic time it was taken at. */
    private record Reading(long serverMillis, long atNanos) {}

    DatabaseClock(LongSupplier serverMillis, LongSupplier nanoTime) {
        this.serverMillis = serverMillis;
        this.nanoTime = nanoTime;
        this.reading = read(); // fails the store's opening if the server cannot tell its time
    }

    static DatabaseClock of(DataSource pool) {
        return new DatabaseClock(() -> query(pool), System::nanoTime);
    }

    @Override
    public long millis() {
        Reading last = reading;
        long now = nanoTime.getAsLong();
        if (now - last.atNanos() > RECALIBRATION.toNanos() && calibrating.compareAndSet(false, true)) {
            try {
                last = recalibrate(last);
            } finally {
                calibrating.set(false);
            }
            now = nanoTime.getAsLong();
        }
        return last.serverMillis() + (now - last.atNanos()) / 1_000_000;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    private Reading recalibrate(Reading last) {
        try {
            Reading fresh = read();
            reading = fresh;
            return fresh;
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "cannot read the database clock ({0}); going on with the last reading, advanced locally",
                    e.toString());
            return last;
        }
    }

    /** The server's time at the midpoint of the query's round trip. */
    private Reading read() {
        long before = nanoTime.getAsLong();
        long server = serverMillis.getAsLong();
        long after = nanoTime.getAsLong();
        return new Reading(server, before + (after - before) / 2);
    }

    private static long query(DataSource pool) {
        try (Connection connection = pool.getConnection();
                Statement statement = connection.createStatement();
                ResultSet result =
                        statement.executeQuery("SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint")) {
            result.next();
            return result.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the PostgreSQL server's clock: " + e.getMessage(), e);
        }
    }
}
