package dev.mu2sls.cli;

import dev.mu2sls.core.Engine;
import dev.mu2sls.http.FileRoutes;
import dev.mu2sls.http.HttpServerAdapter;
import dev.mu2sls.http.Routes;
import dev.mu2sls.http.StaticRoutes;
import dev.mu2sls.store.Store;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** What the platform's processes (a function instance, the gateway) share: environment, routes, lifecycle. */
final class PlatformProcess {
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
        return routesFile != null ? new FileRoutes(routesFile) : StaticRoutes.parse(System.getenv(StaticRoutes.ROUTES_ENV));
    }

    /**
     * Announces the process on stdout (the platform waits for that line), then serves until
     * SIGTERM, which stops the server (requests in flight finish) and closes engine and store.
     * The process exits with its parent, so no instance outlives {@code up}.
     */
    static void serveUntilStopped(HttpServerAdapter server, Engine engine, Store store, Long parentPid, String banner)
            throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(5_000);
            engine.close();
            store.close();
            stopped.countDown();
        }));
        if (parentPid != null) {
            ProcessHandle.of(parentPid).ifPresentOrElse(parent -> parent.onExit().thenRun(() -> System.exit(0)), () -> System.exit(0));
        }
        System.out.println(banner + " listening on " + server.port());
        System.out.flush();
        stopped.await();
    }
}
