package dev.mu2sls.platform.local;

import dev.mu2sls.core.Engine;
import dev.mu2sls.http.CallSigner;
import dev.mu2sls.http.FunctionHandler;
import dev.mu2sls.http.HttpCallTransport;
import dev.mu2sls.http.HttpServerAdapter;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.observability.Telemetry;
import dev.mu2sls.store.Store;
import java.nio.file.Path;

/**
 * One service of an application as an HTTP function in the Knative container contract (what each
 * platform instance runs). Listens on {@code $PORT} (default 8080); {@code POST /<method>} with
 * signed metadata, {@code GET /health}. Finds other services through a routes file (the local
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
            String service,
            PlatformMode engineMode,
            Path routes,
            int stateCacheEntries,
            Long parentPid,
            Store store)
            throws InterruptedException {
        CallSigner signer = CallSigner.fromEnvironment(System.getenv());
        HttpCallTransport transport = HttpCallTransport.forCalls(PlatformProcess.routes(routes), signer);
        Telemetry telemetry = Telemetry.fromEnvironment(service, System.getenv());
        Engine engine = Engine.builder()
                .store(store)
                .codec(new JsonCodec())
                .mode(engineMode.mode())
                .service(application.service(service))
                .stateCacheEntries(stateCacheEntries)
                .transport(transport)
                .observer(telemetry.observer())
                .build();
        FunctionHandler handler =
                new FunctionHandler(engine, service, signer, Engine.DEFAULT_MAX_PAYLOAD_BYTES, telemetry);
        HttpServerAdapter server = HttpServerAdapter.start(
                PlatformProcess.host(), PlatformProcess.port(), handler.maxBodyBytes(), handler::handle);
        PlatformProcess.serveUntilStopped(
                server,
                handler,
                "function " + application.name() + "/" + service + " (mode " + engineMode.label() + ")",
                parentPid,
                engine,
                store,
                telemetry);
    }
}
