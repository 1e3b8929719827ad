package dev.mu2sls.cli;

import dev.mu2sls.core.Inspector;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.platform.local.LocalPlatform;
import dev.mu2sls.platform.local.PlatformStore;
import dev.mu2sls.store.Store;
import dev.mu2sls.store.postgres.PostgresStore;
import dev.mu2sls.store.rocksdb.RocksStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/**
 * The store the admin commands read: a RocksDB directory ({@code --store-dir}), a PostgreSQL URL
 * ({@code --store-url}), or, by default, the store of the application {@code up} runs from the
 * state directory. The password is never an option: {@code $MU2SLS_STORE_PASSWORD}, the file
 * {@code $MU2SLS_STORE_PASSWORD_FILE}, or the owner-only file {@code up} leaves in its state
 * directory when it started the PostgreSQL itself.
 */
final class InspectedStore {
    @Option(names = "--state-dir", description = "the state directory of up, whose store is read (default: ~/.mu2sls)")
    Path stateDirectory;

    @Option(names = "--store-url", description = "PostgreSQL JDBC URL of the store (instead of up's)")
    String url;

    @Option(
            names = "--store-user",
            defaultValue = "${env:MU2SLS_STORE_USER:-postgres}",
            description = "PostgreSQL user (default: $MU2SLS_STORE_USER or postgres)")
    String user;

    @Option(names = "--table", description = "PostgreSQL table (default: up's, or mu2sls_<app> with --app)")
    String table;

    @Option(
            names = "--app",
            description = "the application whose table to read with --store-url (up names it mu2sls_<app>)")
    String app;

    @Option(
            names = "--store-dir",
            description = "RocksDB store directory (a store of serve or demo, not in use by another process)")
    Path directory;

    /** A store opened for reading, with its inspector. */
    record Opened(Store store, Inspector inspector, String description) implements AutoCloseable {
        @Override
        public void close() {
            store.close();
        }
    }

    Opened open() throws IOException {
        if (directory != null && url != null) {
            throw new IllegalArgumentException("give --store-dir (RocksDB) or --store-url (PostgreSQL), not both");
        }
        if (directory != null) {
            checkRocksDirectory(directory);
            return opened(RocksStore.open(directory, true), "RocksDB store in " + directory);
        }
        Map<String, String> environment = new HashMap<>(System.getenv());
        String jdbcUrl = url;
        String tableName = table != null ? table : app != null ? PlatformStore.table(app) : null;
        if (jdbcUrl == null) {
            Path state = UpStateDirectory.orDefault(stateDirectory);
            jdbcUrl = LocalPlatform.readState(state, "store");
            if (tableName == null) {
                tableName = LocalPlatform.readState(state, "table");
            }
            Path passwordFile = LocalPlatform.passwordFile(state);
            if (!environment.containsKey(PlatformStore.PASSWORD_ENV)
                    && !environment.containsKey(PlatformStore.PASSWORD_FILE_ENV)
                    && Files.exists(passwordFile)) {
                environment.put(PlatformStore.PASSWORD_FILE_ENV, passwordFile.toString());
            }
        }
        if (tableName == null) {
            throw new IllegalArgumentException(
                    "which table? give --table, or --app for the table up names mu2sls_<app>");
        }
        PostgresStore store = PostgresStore.open(jdbcUrl, user, PlatformStore.password(environment), 2, tableName);
        return opened(store, "PostgreSQL store at " + jdbcUrl + ", table " + tableName);
    }

    private static Opened opened(Store store, String description) {
        return new Opened(store, new Inspector(store, new JsonCodec()), description);
    }

    /**
     * Refuses what is not one store's directory before RocksDB would create a database in it: a
     * missing or empty directory, or the directory of {@code --store-dir} that holds one store per
     * workload.
     */
    private static void checkRocksDirectory(Path directory) {
        if (Files.isRegularFile(directory.resolve("CURRENT"))) {
            return;
        }
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("--store-dir " + directory + " does not exist");
        }
        try (Stream<Path> entries = Files.list(directory)) {
            List<String> stores = entries.filter(p -> Files.isRegularFile(p.resolve("CURRENT")))
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList();
            throw new IllegalArgumentException("--store-dir " + directory + " holds no RocksDB store"
                    + (stores.isEmpty()
                            ? ""
                            : "; it holds the stores " + stores + " (one per workload): give one of them"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --store-dir " + directory + ": " + e.getMessage(), e);
        }
    }
}
