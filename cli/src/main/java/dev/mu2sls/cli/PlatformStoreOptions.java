package dev.mu2sls.cli;

import dev.mu2sls.platform.local.PlatformStore;
import dev.mu2sls.store.postgres.PostgresStore;
import picocli.CommandLine.Option;

/**
 * The store options of the platform's processes: a PostgreSQL URL and user; the password comes from
 * the environment ({@link PlatformStore#password}), never from the command line.
 */
final class PlatformStoreOptions {
    @Option(
            names = "--store-url",
            defaultValue = "${env:MU2SLS_STORE_URL}",
            description = "PostgreSQL JDBC URL shared by every process of the application (default: $MU2SLS_STORE_URL)")
    String url;

    @Option(
            names = "--store-user",
            defaultValue = "${env:MU2SLS_STORE_USER:-postgres}",
            description = "PostgreSQL user (default: $MU2SLS_STORE_USER or postgres)")
    String user;

    @Option(
            names = "--store-pool",
            defaultValue = "4",
            description = "connections per process (default: ${DEFAULT-VALUE})")
    int pool;

    PostgresStore open(String app) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException(
                    "no store: give --store-url or set MU2SLS_STORE_URL to the PostgreSQL JDBC URL the application shares");
        }
        return PostgresStore.open(url, user, PlatformStore.password(System.getenv()), pool, PlatformStore.table(app));
    }
}
