package dev.mu2sls.cli;

import dev.mu2sls.platform.local.PlatformStore;
import dev.mu2sls.store.MemoryStore;
import dev.mu2sls.store.Store;
import dev.mu2sls.store.postgres.LocalPostgres;
import dev.mu2sls.store.postgres.PostgresStore;
import dev.mu2sls.store.rocksdb.RocksStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/** {@code --store memory|rocksdb|postgres} and where it lives; shared by the commands. */
final class StoreOptions implements AutoCloseable {
    enum Kind {
        MEMORY,
        ROCKSDB,
        POSTGRES
    }

    @Option(
            names = "--store",
            description = "memory, rocksdb or postgres (default: memory for bench, rocksdb otherwise)")
    Kind kind;

    @Option(
            names = "--store-dir",
            description = "RocksDB data directory (default: a temporary directory, deleted after)")
    Path directory;

    @Option(names = "--store-url", description = "PostgreSQL JDBC URL (default: start a local PostgreSQL for the run)")
    String url;

    @Option(
            names = "--store-user",
            defaultValue = "postgres",
            description =
                    "PostgreSQL user (default: ${DEFAULT-VALUE}); "
                            + "the password comes from $MU2SLS_STORE_PASSWORD or the file $MU2SLS_STORE_PASSWORD_FILE, never the command line")
    String user;

    @Option(
            names = "--no-sync",
            description =
                    "RocksDB: do not sync the write-ahead log on commit (survives process crashes, not power loss)")
    boolean noSync;

    private Path temporaryDirectory;
    private LocalPostgres localPostgres;

    StoreOptions defaultKind(Kind fallback) {
        if (kind == null) {
            kind = fallback;
        }
        return this;
    }

    /** Opens a store for {@code name} (one per workload, so workloads do not share state). */
    Store open(String name) {
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
        return switch (kind) {
            case MEMORY -> new MemoryStore();
            case ROCKSDB -> RocksStore.open(baseDirectory().resolve(slug), !noSync);
            case POSTGRES ->
                PostgresStore.open(jdbcUrl(), user, PlatformStore.password(System.getenv()), 32, "mu2sls_" + slug);
        };
    }

    /** A one-line description for reports. */
    String describe() {
        return switch (kind) {
            case MEMORY -> "in-memory store";
            case ROCKSDB ->
                "RocksDB store in " + baseDirectory() + (noSync ? " (WAL not synced)" : " (WAL synced on commit)");
            case POSTGRES -> "PostgreSQL store at " + jdbcUrl();
        };
    }

    private Path baseDirectory() {
        if (directory != null) {
            claim(directory);
            return directory;
        }
        if (temporaryDirectory == null) {
            try {
                temporaryDirectory = Files.createTempDirectory("mu2sls-store-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary store directory", e);
            }
        }
        return temporaryDirectory;
    }

    /**
     * Makes sure {@code --store-dir} is ours to write stores into: new, empty, or marked by an
     * earlier run. Another program's directory is refused, never written into.
     */
    private static void claim(Path base) {
        Path marker = base.resolve(MARKER);
        try {
            if (Files.exists(marker)) {
                return;
            }
            if (Files.isDirectory(base)) {
                try (Stream<Path> entries = Files.list(base)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalArgumentException(
                                "--store-dir " + base + " is not empty and holds no mu2sls stores (no " + MARKER
                                        + "); give a new or empty directory");
                    }
                }
            } else if (Files.exists(base)) {
                throw new IllegalArgumentException("--store-dir " + base + " is not a directory");
            }
            Files.createDirectories(base);
            Files.createFile(marker);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use --store-dir " + base + ": " + e.getMessage(), e);
        }
    }

    /** The file that marks a directory as holding this tool's stores. */
    static final String MARKER = ".mu2sls-stores";

    private String jdbcUrl() {
        if (url != null) {
            return url;
        }
        if (localPostgres == null) {
            System.err.println("starting a local PostgreSQL for this run (no --store-url given)...");
            localPostgres = LocalPostgres.start(null);
        }
        return localPostgres.jdbcUrl();
    }

    /** Stops what the options started and deletes temporary data; stores must be closed first. */
    @Override
    public void close() {
        if (localPostgres != null) {
            localPostgres.close();
        }
        if (temporaryDirectory != null) {
            try (Stream<Path> files = Files.walk(temporaryDirectory)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                System.err.println("could not delete " + temporaryDirectory + ": " + e.getMessage());
            }
        }
    }
}
