package dev.mu2sls.cli;

import dev.mu2sls.store.postgres.PostgresStore;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Where the platform's processes keep their shared state: a PostgreSQL URL and table. */
final class PlatformStore {
    @Option(names = "--store-url", required = true, description = "PostgreSQL JDBC URL shared by every process of the application")
    String url;

    @Option(names = "--store-user", defaultValue = "postgres", description = "PostgreSQL user (default: ${DEFAULT-VALUE})")
    String user;

    @Option(names = "--store-password", defaultValue = "postgres", description = "PostgreSQL password (default: ${DEFAULT-VALUE})")
    String password;

    @Option(names = "--store-pool", defaultValue = "4", description = "connections per process (default: ${DEFAULT-VALUE})")
    int pool;

    /** The table of application {@code app}: every process of one application shares it. */
    static String table(String app) {
        return "mu2sls_" + app.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    }

    PostgresStore open(String app) {
        return PostgresStore.open(url, user, password, pool, table(app));
    }
}
