package dev.mu2sls.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mu2sls} command line. */
@Command(name = "mu2sls", mixinStandardHelpOptions = true, version = "mu2sls 0.1.0",
        description = "Microservices as plain Java classes, executed exactly once on serverless platforms.",
        subcommands = {DemoCommand.class, BenchCommand.class, BenchHttpCommand.class, ServeCommand.class, UpCommand.class, DownCommand.class, InvokeCommand.class, DeployCommand.class,
                FunctionCommand.class, GatewayCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (for tests). */
    static int run(String... args) {
        return new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args);
    }
}
