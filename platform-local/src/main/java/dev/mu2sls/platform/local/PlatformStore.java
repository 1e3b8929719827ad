package dev.mu2sls.platform.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where the platform's processes keep their shared state: a PostgreSQL URL and table. The password
 * is never an option (a command line is visible to every user of the machine): it comes from
 * {@value #PASSWORD_ENV} or the file named by {@value #PASSWORD_FILE_ENV}.
 */
public final class PlatformStore {
    public static final String URL_ENV = "MU2SLS_STORE_URL";
    public static final String USER_ENV = "MU2SLS_STORE_USER";
    public static final String PASSWORD_ENV = "MU2SLS_STORE_PASSWORD";
    public static final String PASSWORD_FILE_ENV = "MU2SLS_STORE_PASSWORD_FILE";

    private PlatformStore() {}

    /** The table of application {@code app}: every process of one application shares it. */
    public static String table(String app) {
        return "mu2sls_" + app.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    }

    /**
     * The store password from {@code environment}: {@value #PASSWORD_FILE_ENV} names a file holding
     * it (its first line), else {@value #PASSWORD_ENV} holds it, else {@code postgres}.
     */
    public static String password(Map<String, String> environment) {
        String file = environment.get(PASSWORD_FILE_ENV);
        if (file != null) {
            try {
                return Files.readString(Path.of(file)).lines().findFirst().orElse("");
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot read the store password from " + PASSWORD_FILE_ENV + "=" + file + ": " + e.getMessage(),
                        e);
            }
        }
        return environment.getOrDefault(PASSWORD_ENV, "postgres");
    }
}
