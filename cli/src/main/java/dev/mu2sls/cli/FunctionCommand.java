package dev.mu2sls.cli;

import dev.mu2sls.core.Engine;
import dev.mu2sls.platform.local.Apps;
import dev.mu2sls.platform.local.FunctionProcess;
import dev.mu2sls.platform.local.PlatformMode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mu2sls function} (hidden; what a platform runs in each instance): parses the options of a
 * {@link FunctionProcess}, one service of an application (or several co-located) as an HTTP function. Stops gracefully on
 * SIGTERM, and exits when {@code --parent-pid} does.
 */
@Command(
        name = "function",
        hidden = true,
        mixinStandardHelpOptions = true,
        description = "Serve one service of an application as an HTTP function on $PORT (what platform instances run).")
final class FunctionCommand implements Callable<Integer> {
    @Option(names = "--app", required = true, description = "example name or application jar")
    String app;

    @Option(
            names = "--service",
            required = true,
            split = ",",
            description = "the service this function serves; several (A,B or repeated) are co-located in one engine")
    List<String> services;

    @Option(names = "--routes", description = "JSON file of instance URLs per service (default: $MU2SLS_ROUTES)")
    Path routes;

    @Option(
            names = "--mode",
            defaultValue = "full",
            description = "engine mode: full or exactly-once (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(
            names = "--state-cache-entries",
            defaultValue = "${env:MU2SLS_STATE_CACHE_ENTRIES:-" + Engine.DEFAULT_STATE_CACHE_ENTRIES + "}",
            description = "state values the engine caches; 0 turns the cache off (default: ${DEFAULT-VALUE}, "
                    + "or $MU2SLS_STATE_CACHE_ENTRIES)")
    int stateCacheEntries;

    @Option(names = "--parent-pid", description = "exit when this process exits")
    Long parentPid;

    @Mixin
    PlatformStoreOptions storeOptions;

    @Override
    public Integer call() throws Exception {
        Apps.App application = Apps.resolve(app);
        PlatformMode engineMode = PlatformMode.parse(mode);
        FunctionProcess.serve(
                application,
                services.stream().distinct().toList(),
                engineMode,
                routes,
                stateCacheEntries,
                parentPid,
                storeOptions.open(application.name()));
        return 0;
    }
}
