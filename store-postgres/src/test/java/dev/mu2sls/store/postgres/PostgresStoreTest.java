package dev.mu2sls.store.postgres;

import dev.mu2sls.store.Store;
import dev.mu2sls.store.StoreConformanceTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store contract on a real PostgreSQL, started by the test from Maven Central's binaries. */
class PostgresStoreTest extends StoreConformanceTest {
    private static LocalPostgres server;
    private static int database;

    @BeforeAll
    static void startServer() {
        server = LocalPostgres.start(null);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Override
    protected Store newStore() {
        // A fresh database per test, so tests do not see each other's keys.
        String name = "conformance" + (++database);
        try (var connection = java.sql.DriverManager.getConnection(server.jdbcUrl(), "postgres", "postgres");
             var statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return PostgresStore.open(server.jdbcUrl().replace("/postgres?", "/" + name + "?"), "postgres", "postgres", 8);
    }

    @Override
    protected Store reopen(Store store) {
        store.close();
        return PostgresStore.open(lastUrl(), "postgres", "postgres", 8);
    }

    private static String lastUrl() {
        return server.jdbcUrl().replace("/postgres?", "/conformance" + database + "?");
    }
}
