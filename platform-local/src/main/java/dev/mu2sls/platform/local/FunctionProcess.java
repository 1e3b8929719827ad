package dev.mu2sls.platform.local;

import dev.mu2sls.core.CallTransport;
import dev.mu2sls.core.Engine;
import dev.mu2sls.http.CallSigner;
import dev.mu2sls.http.ColocatedCallTransport;
import dev.mu2sls.http.FunctionHandler;
import dev.mu2sls.http.HttpCallTransport;
import dev.mu2sls.http.HttpServerAdapter;
import dev.mu2sls.http.Routes;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.observability.Telemetry;
import dev.mu2sls.store.Store;
import java.nio.file.Path;
import java.util.List;

/**
 * One service of an application as an HTTP function in the Knative container contract (what each
 * platform instance runs). Listens on {@code $PORT} (default 8080); {@code POST /<method>} with
 * signed metadata, {@code GET /health}. Given several services, it co-locates them: one engine
 * runs them all, each is served at {@code POST /<service>/<method>}, and calls between them stay
 * in the process ({@link ColocatedCallTransport}). Finds other services through a routes file (the local
 * platform) or {@code MU2SLS_ROUTES}; the signing secret comes from {@code MU2SLS_SECRET} or
 * {@code MU2SLS_SECRET_FILE}.
 */
public final class FunctionProcess {
    private FunctionProcess() {}

    /**
     * Serves until SIGTERM ({@link PlatformProcess#serveUntilStopped}).
     *
     * @param routes the routes file {@code up} maintains, or null for {@code $MU2SLS_ROUTES}
     * @param stateCacheEntries state values the engine caches (0: off)
     * @param parentPid a process to exit with, or null
     * @param store the application's store, closed on stop
     */
    public static void serve(
            Apps.App application,
            List<String> services,
            PlatformMode engineMode,
            Path routes,
            int stateCacheEntries,
            Long parentPid,
            Store store)
            throws InterruptedException {
        CallSigner signer = CallSigner.fromEnvironment(System.getenv());
        Routes instances = PlatformProcess.routes(routes);
        HttpCallTransport http = HttpCallTransport.forCalls(instances, signer);
        int port = PlatformProcess.port(); // the local platform's routes tell its processes apart by port
        ColocatedCallTransport colocated = services.size() > 1
                ? new ColocatedCallTransport(
                        http, application.declared() ? application.version() : null, route -> route.getPort() == port)
                : null;
        CallTransport transport = colocated != null ? colocated : http;
        String label = String.join("+", services);
        Telemetry telemetry = Telemetry.fromEnvironment(label, System.getenv());
        Engine.Builder builder = Engine.builder()
                .store(store)
                .codec(new JsonCodec())
                .mode(engineMode.mode())
                .services(services.stream().map(application::service).toList())
                .stateCacheEntries(stateCacheEntries)
                .transport(transport)
                .observer(telemetry.observer());
        if (colocated != null) {
            builder.inProcessCalls(colocated::deliversHere);
        }
        if (application.declared()) {
            // recorded with every request it runs: re-drives come back to this version while it lives,
            // and a request another live version ran is sent back there
            builder.applicationVersion(application.version(), instances::keeps);
        }
        Engine engine = builder.build();
        if (colocated != null) {
            colocated.attach(engine);
        }
        FunctionHandler handler =
                new FunctionHandler(engine, services, signer, Engine.DEFAULT_MAX_PAYLOAD_BYTES, telemetry);
        HttpServerAdapter server =
                HttpServerAdapter.start(PlatformProcess.host(), port, handler.maxBodyBytes(), handler::handle);
        PlatformProcess.serveUntilStopped(
                server,
                handler,
                "function " + application.name() + "/" + label
                        + (application.declared() ? " version " + application.version() : "") + " (mode "
                        + engineMode.label() + ")",
                parentPid,
                engine,
                store,
                telemetry);
    }
}
