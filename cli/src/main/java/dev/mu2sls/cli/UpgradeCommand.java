package dev.mu2sls.cli;

import dev.mu2sls.http.FileRoutes;
import dev.mu2sls.platform.local.Apps;
import dev.mu2sls.platform.local.LocalPlatform;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mu2sls upgrade <jar>}: hands a new version of the application {@code mu2sls up} runs to
 * the platform and waits until it takes new requests. The version it replaces stays alive while
 * requests it ran are in flight (their re-drives go to it), then is retired.
 */
@Command(
        name = "upgrade",
        mixinStandardHelpOptions = true,
        description = "Run a new version of the application ./mu2sls up runs: new requests go to it once it is ready; "
                + "the version it replaces stays alive while requests it ran are in flight, which finish on it.")
final class UpgradeCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            description = "the new version's jar, declared with @Application: the same name, another version")
    Path jar;

    @Mixin
    UpStateDirectory stateDirectory;

    @Option(
            names = "--timeout-seconds",
            defaultValue = "180",
            description = "how long to wait for the new version to be ready (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        Path directory = stateDirectory.path();
        long pid = Long.parseLong(LocalPlatform.readState(directory, "pid"));
        String running = LocalPlatform.readState(directory, "app");
        Apps.App next = Apps.resolve(jar.toString());
        if (!next.declared() || !next.name().equals(running)) {
            throw new IllegalArgumentException(jar + " must declare @Application(name = \"" + running
                    + "\", version = \"...\") to upgrade the application up from " + directory + "; it is "
                    + next.name() + " version " + next.version());
        }
        String from = LocalPlatform.readState(directory, "version");
        LocalPlatform.requestUpgrade(directory, jar);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            String refused = LocalPlatform.upgradeRefusal(directory);
            if (refused != null) {
                throw new IllegalStateException("the platform refused the upgrade: " + refused);
            }
            if (ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)) {
                throw new IllegalStateException("the application of " + directory + " stopped (pid " + pid + ")");
            }
            if (next.version().equals(LocalPlatform.readState(directory, "version"))) {
                // the routes led to it before the state said so; the gateway reads them again within this
                Thread.sleep(FileRoutes.STALE_AT_MOST);
                System.out.println("mu2sls upgrade: " + next.name() + " version " + next.version()
                        + " takes new requests; version " + from
                        + " stays alive while requests it ran are in flight");
                return 0;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(next.name() + " version " + next.version() + " was not ready within "
                + timeoutSeconds + " s; see the logs in " + LocalPlatform.readState(directory, "logs"));
    }
}
