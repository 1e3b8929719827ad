package dev.mu2sls.store.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A real PostgreSQL server started from the binaries on Maven Central (no installation, no
 * Docker), for development, tests and {@code --store postgres} without a URL. Stopped by
 * {@link #close()}.
 */
public final class LocalPostgres implements AutoCloseable {
    private final EmbeddedPostgres server;

    private LocalPostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    /**
     * Starts a server; with {@code dataDirectory} non-null its data is kept there across restarts
     * (for crash tests), otherwise in a temporary directory deleted at close.
     */
    public static LocalPostgres start(Path dataDirectory) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on");
            if (dataDirectory != null) {
                builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
            }
            return new LocalPostgres(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a local PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** JDBC URL of the {@code postgres} database as user {@code postgres}. */
    public String jdbcUrl() {
        return server.getJdbcUrl("postgres", "postgres");
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop the local PostgreSQL: " + e.getMessage(), e);
        }
    }
}
