package dev.mu2sls.cli;

import dev.mu2sls.store.postgres.PostgresStore;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Where the platform's processes keep their shared state: a PostgreSQL URL and table. */
final class PlatformStore {
    @Option(names = "--store-url", defaultValue = "${env:MU2SLS_STORE_URL}",
            description = "PostgreSQL JDBC URL shared by every process of the application (default: $MU2SLS_STORE_URL)")
    String url;

    @Option(names = "--store-user", defaultValue = "${env:MU2SLS_STORE_USER:-postgres}", description = "PostgreSQL user (default: $MU2SLS_STORE_USER or postgres)")
    String user;

    @Option(names = "--store-password", defaultValue = "${env:MU2SLS_STORE_PASSWORD:-postgres}", description = "PostgreSQL password (default: $MU2SLS_STORE_PASSWORD or postgres)")
    String password;

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
        return PostgresStore.open(url, user, password, pool, table(app));
    }
}
