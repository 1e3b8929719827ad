package dev.mu2sls.cli;

import dev.mu2sls.store.postgres.PostgresStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the platform's processes keep their shared state: a PostgreSQL URL and table. The password
 * is never an option (a command line is visible to every user of the machine): it comes from
 * {@code $MU2SLS_STORE_PASSWORD} or the file named by {@code $MU2SLS_STORE_PASSWORD_FILE}.
 */
final class PlatformStore {
    static final String URL_ENV = "MU2SLS_STORE_URL";
    static final String USER_ENV = "MU2SLS_STORE_USER";
    static final String PASSWORD_ENV = "MU2SLS_STORE_PASSWORD";
    static final String PASSWORD_FILE_ENV = "MU2SLS_STORE_PASSWORD_FILE";

    @Option(names = "--store-url", defaultValue = "${env:MU2SLS_STORE_URL}",
            description = "PostgreSQL JDBC URL shared by every process of the application (default: $MU2SLS_STORE_URL)")
    String url;

    @Option(names = "--store-user", defaultValue = "${env:MU2SLS_STORE_USER:-postgres}", description = "PostgreSQL user (default: $MU2SLS_STORE_USER or postgres)")
    String user;

    @Option(names = "--store-pool", defaultValue = "4", description = "connections per process (default: ${DEFAULT-VALUE})")
    int pool;

    /** The table of application {@code app}: every process of one application shares it. */
    static String table(String app) {
        return "mu2sls_" + app.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    }

    PostgresStore open(String app) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("no store: give --store-url or set MU2SLS_STORE_URL to the PostgreSQL JDBC URL the application shares");
        }
        return PostgresStore.open(url, user, password(System.getenv()), pool, table(app));
    }

    /**
     * The store password from {@code environment}: {@value #PASSWORD_FILE_ENV} names a file holding
     * it (its first line), else {@value #PASSWORD_ENV} holds it, else {@code postgres}.
     */
    static String password(Map<String, String> environment) {
        String file = environment.get(PASSWORD_FILE_ENV);
        if (file != null) {
            try {
                return Files.readString(Path.of(file)).lines().findFirst().orElse("");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the store password from " + PASSWORD_FILE_ENV + "=" + file + ": " + e.getMessage(), e);
            }
        }
        return environment.getOrDefault(PASSWORD_ENV, "postgres");
    }
}
