package dev.mu2sls.cli;

import dev.mu2sls.platform.local.LocalPlatform;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mu2sls down}: stops the application {@code mu2sls up} runs (SIGTERM to it; it stops its processes). */
@Command(name = "down", mixinStandardHelpOptions = true, description = "Stop the application started by ./mu2sls up.")
final class DownCommand implements Callable<Integer> {
    @Mixin
    UpStateDirectory stateDirectory;

    @Override
    public Integer call() throws Exception {
        Path directory = stateDirectory.path();
        long pid = Long.parseLong(LocalPlatform.readState(directory, "pid"));
        Optional<ProcessHandle> up = ProcessHandle.of(pid);
        if (up.isEmpty() || !up.get().isAlive()) {
            System.out.println(
                    "mu2sls down: the application of " + directory + " is not running (pid " + pid + " is gone)");
            LocalPlatform.stateFile(directory).toFile().delete();
            return 0;
        }
        up.get().destroy();
        up.get().onExit().get(60, TimeUnit.SECONDS);
        System.out.println("mu2sls down: stopped pid " + pid);
        return 0;
    }
}
