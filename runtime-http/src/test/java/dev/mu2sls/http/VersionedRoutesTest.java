package dev.mu2sls.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Routes of a platform that keeps an application version alive beside a newer one (code upgrades). */
class VersionedRoutesTest {
    private static final URI OLD = URI.create("http://127.0.0.1:9001");
    private static final URI NEW = URI.create("http://127.0.0.1:9002");

    @TempDir
    Path directory;

    @Test
    void requestOfAVersionStillAlive_goesToItsInstances_elseToTheNewest() throws IOException {
        Path file = directory.resolve("routes.json");
        FileRoutes.write(
                file,
                Map.of(
                        "Checkout",
                        List.of(NEW),
                        FileRoutes.versioned("Checkout", "1"),
                        List.of(OLD),
                        FileRoutes.versioned("Checkout", "2"),
                        List.of(NEW),
                        FileRoutes.versioned("Checkout", "3"),
                        List.of()));
        FileRoutes routes = new FileRoutes(file);

        assertThat(routes.instances("Checkout", "1")).as("ran by version 1").containsExactly(OLD);
        assertThat(routes.instances("Checkout", "2")).containsExactly(NEW);
        assertThat(routes.instances("Checkout", "0"))
                .as("a version no longer kept")
                .containsExactly(NEW);
        assertThat(routes.instances("Checkout", "3"))
                .as("kept, its instances starting: wait")
                .isEmpty();
        assertThat(routes.keeps("Checkout", "3")).isTrue();
        assertThat(routes.keeps("Checkout", "0")).isFalse();
        assertThat(routes.instances("Checkout", null)).as("a new request").containsExactly(NEW);
        assertThat(routes.instances("Checkout")).containsExactly(NEW);
        assertThat(routes.services()).containsExactly("Checkout");
    }

    @Test
    void routesWithoutVersions_answerTheServicesInstances() {
        Routes routes = new StaticRoutes(Map.of("Checkout", List.of(NEW)));

        assertThat(routes.instances("Checkout", "1")).containsExactly(NEW);
        assertThat(routes.keeps("Checkout", "1")).isFalse();
    }
}
