package dev.mu2sls.cli;

import dev.mu2sls.store.postgres.LocalPostgres;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A local PostgreSQL for one test class, started before its first test and stopped after its last:
 * {@code @RegisterExtension static final PostgresPerClass postgres = new PostgresPerClass();}.
 */
final class PostgresPerClass implements BeforeAllCallback, AfterAllCallback {
    private LocalPostgres postgres;

    @Override
    public void beforeAll(ExtensionContext context) {
        postgres = LocalPostgres.start(null);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        postgres.close();
    }

    String jdbcUrl() {
        return postgres.jdbcUrl();
    }
}
