package dev.mu2sls.platform.local;

import dev.mu2sls.http.Drainable;
import dev.mu2sls.http.FileRoutes;
import dev.mu2sls.http.HttpServerAdapter;
import dev.mu2sls.http.Routes;
import dev.mu2sls.http.StaticRoutes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the platform's processes (a function instance, the gateway) share: environment, routes, lifecycle. */
final class PlatformProcess {
    private static final Logger LOG = LoggerFactory.getLogger(PlatformProcess.class);

    private PlatformProcess() {}

    /** The port the platform gave this process ({@code $PORT}, as Knative does), 8080 by default. */
    static int port() {
        return Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
    }

    /** Environment variable naming the address a process listens on. */
    static final String HOST_ENV = "MU2SLS_HOST";

    /**
     * The address to listen on: {@code $MU2SLS_HOST}, loopback by default, so that nothing is
     * reachable from other machines unless the platform says so (Knative containers set 0.0.0.0).
     */
    static String host() {
        return System.getenv().getOrDefault(HOST_ENV, "127.0.0.1");
    }

    /** The routes file {@code up} maintains, or the static routes in {@code $MU2SLS_ROUTES}. */
    static Routes routes(Path routesFile) {
        return routesFile != null
                ? new FileRoutes(routesFile)
                : StaticRoutes.parse(System.getenv(StaticRoutes.ROUTES_ENV));
    }

    /**
     * How long a stopping process lets requests in flight finish ({@value #GRACE_ENV} seconds,
     * default 20; Knative's termination grace period must be longer).
     */
    static final String GRACE_ENV = "MU2SLS_SHUTDOWN_GRACE_SECONDS";

    /**
     * Announces the process on stdout (the platform waits for that line), then serves until
     * SIGTERM. Then it stops gracefully: no longer ready ({@code /readyz} 503), no longer accepting
     * connections, requests in flight finish for up to the grace period; any still running then
     * are handed back unanswered (their callers retry them elsewhere with the same request id,
     * which the engine deduplicates); engine, store and telemetry are closed. The process exits
     * with its parent, so no instance outlives {@code up}.
     */
    static void serveUntilStopped(
            HttpServerAdapter server, Drainable handler, String banner, Long parentPid, AutoCloseable... resources)
            throws InterruptedException {
        Duration grace = Duration.ofSeconds(Long.parseLong(System.getenv().getOrDefault(GRACE_ENV, "20")));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            handler.drain();
                            LOG.info(
                                    "stopping {}: {} requests in flight, up to {} s to finish",
                                    banner,
                                    handler.inFlight(),
                                    grace.toSeconds());
                            server.stop(grace.toMillis());
                            int left = handler.inFlight();
                            if (left > 0) {
                                LOG.warn(
                                        "stopped with {} requests unfinished after {} s: handed back unanswered, their callers retry them",
                                        left,
                                        grace.toSeconds());
                            } else {
                                LOG.info("stopped {}: every request in flight finished", banner);
                            }
                            for (AutoCloseable resource : resources) {
                                try {
                                    resource.close();
                                } catch (Exception e) {
                                    LOG.warn("closing {} failed: {}", resource, e.toString());
                                }
                            }
                            stopped.countDown();
                        },
                        "mu2sls-shutdown"));
        if (parentPid != null) {
            ProcessHandle.of(parentPid)
                    .ifPresentOrElse(parent -> parent.onExit().thenRun(() -> System.exit(0)), () -> System.exit(0));
        }
        LOG.info("{} started on port {}", banner, server.port());
        System.out.println(banner + " listening on " + server.port());
        System.out.flush();
        stopped.await();
    }
}
