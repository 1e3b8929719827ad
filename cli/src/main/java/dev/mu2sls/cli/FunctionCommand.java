package dev.mu2sls.cli;

import dev.mu2sls.core.Engine;
import dev.mu2sls.http.CallSigner;
import dev.mu2sls.http.FunctionHandler;
import dev.mu2sls.http.HttpCallTransport;
import dev.mu2sls.http.HttpServerAdapter;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.observability.Telemetry;
import dev.mu2sls.store.Store;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mu2sls function} (hidden; what a platform runs in each instance): one service of an
 * application as an HTTP function in the Knative container contract. Listens on {@code $PORT}
 * (default 8080); {@code POST /<method>} with signed metadata, {@code GET /health}. Finds other
 * services through {@code --routes <file>} (the local platform) or {@code MU2SLS_ROUTES}; the
 * signing secret comes from {@code MU2SLS_SECRET} or {@code MU2SLS_SECRET_FILE}. Stops gracefully
 * on SIGTERM, and exits when {@code --parent-pid} does.
 */
@Command(name = "function", hidden = true, mixinStandardHelpOptions = true,
        description = "Serve one service of an application as an HTTP function on $PORT (what platform instances run).")
final class FunctionCommand implements Callable<Integer> {
    @Option(names = "--app", required = true, description = "example name or application jar")
    String app;

    @Option(names = "--service", required = true, description = "the service this function serves")
    String service;

    @Option(names = "--routes", description = "JSON file of instance URLs per service (default: $MU2SLS_ROUTES)")
    Path routes;

    @Option(names = "--mode", defaultValue = "full", description = "engine mode: full or exactly-once (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--state-cache-entries", defaultValue = "${env:MU2SLS_STATE_CACHE_ENTRIES:-"
            + Engine.DEFAULT_STATE_CACHE_ENTRIES + "}",
            description = "state values the engine caches; 0 turns the cache off (default: ${DEFAULT-VALUE}, "
                    + "or $MU2SLS_STATE_CACHE_ENTRIES)")
    int stateCacheEntries;

    @Option(names = "--parent-pid", description = "exit when this process exits")
    Long parentPid;

    @Mixin
    PlatformStore storeOptions;

    @Override
    public Integer call() throws Exception {
        Apps.App application = Apps.resolve(app);
        BenchConfig engineMode = BenchConfig.platformMode(mode);
        CallSigner signer = CallSigner.fromEnvironment(System.getenv());
        Store store = storeOptions.open(application.name());
        HttpCallTransport transport = HttpCallTransport.forCalls(PlatformProcess.routes(routes), signer);
        Telemetry telemetry = Telemetry.fromEnvironment(service, System.getenv());
        Engine engine = Engine.builder().store(store).codec(new JsonCodec()).mode(engineMode.mode).service(application.service(service))
                .stateCacheEntries(stateCacheEntries).transport(transport).observer(telemetry.observer()).build();
        FunctionHandler handler = new FunctionHandler(engine, service, signer, Engine.DEFAULT_MAX_PAYLOAD_BYTES, telemetry);
        HttpServerAdapter server = HttpServerAdapter.start(PlatformProcess.host(), PlatformProcess.port(), handler.maxBodyBytes(), handler::handle);
        PlatformProcess.serveUntilStopped(server, handler, "function " + application.name() + "/" + service + " (mode " + engineMode.label + ")",
                parentPid, engine, store, telemetry);
        return 0;
    }
}
