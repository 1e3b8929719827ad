package dev.mu2sls.cli;

import dev.mu2sls.platform.local.Apps;
import dev.mu2sls.platform.local.GatewayProcess;
import dev.mu2sls.platform.local.PlatformMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mu2sls gateway} (hidden; what a platform runs in front of the functions): parses the
 * options of a {@link GatewayProcess}.
 */
@Command(
        name = "gateway",
        hidden = true,
        mixinStandardHelpOptions = true,
        description = "Serve an application's gateway on $PORT (what the platform runs in front of the functions).")
final class GatewayCommand implements Callable<Integer> {
    @Option(names = "--app", required = true, description = "example name or application jar")
    String app;

    @Option(names = "--routes", description = "JSON file of instance URLs per service (default: $MU2SLS_ROUTES)")
    Path routes;

    @Option(
            names = "--mode",
            defaultValue = "full",
            description = "engine mode: full or exactly-once (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--parent-pid", description = "exit when this process exits")
    Long parentPid;

    @Option(
            names = "--deadline-seconds",
            defaultValue = "30",
            description =
                    "how long a client request is retried across instances before 503 (default: ${DEFAULT-VALUE})")
    int deadlineSeconds;

    @Mixin
    PlatformStoreOptions storeOptions;

    @Override
    public Integer call() throws Exception {
        Apps.App application = Apps.resolve(app);
        PlatformMode engineMode = PlatformMode.parse(mode);
        GatewayProcess.serve(
                application,
                engineMode,
                routes,
                Duration.ofSeconds(deadlineSeconds),
                parentPid,
                storeOptions.open(application.name()));
        return 0;
    }
}
