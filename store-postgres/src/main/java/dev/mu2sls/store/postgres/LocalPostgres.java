package dev.mu2sls.store.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

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

    /**
     * Ends the server's trust of every local connection: gives user {@code postgres} a fresh random
     * password, stored as a SCRAM-SHA-256 verifier, and makes every connection authenticate with
     * it. For a server other processes use ({@code ./mu2sls up}): without it, any local user could
     * connect as superuser.
     *
     * @return the password, to hand to the server's clients (never on a command line)
     */
    public String requirePassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        String password = HexFormat.of().formatHex(bytes);
        try (Connection connection = server.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("SET password_encryption = 'scram-sha-256'");
            statement.execute("ALTER USER postgres PASSWORD '" + password + "'"); // hex: nothing to escape
            Path hba;
            try (ResultSet file = statement.executeQuery("SHOW hba_file")) {
                file.next();
                hba = Path.of(file.getString(1));
            }
            Files.writeString(
                    hba,
                    "# written by mu2sls LocalPostgres.requirePassword\n"
                            + "local all all scram-sha-256\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n");
            statement.execute("SELECT pg_reload_conf()");
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot require a password on the local PostgreSQL: " + e.getMessage(), e);
        }
        return password;
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
