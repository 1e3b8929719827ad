package dev.mu2sls.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code mu2sls} command line. */
@Command(
        name = "mu2sls",
        mixinStandardHelpOptions = true,
        version = "mu2sls 0.1.0",
        description = "Microservices as plain Java classes, executed exactly once on serverless platforms.",
        subcommands = {
            DemoCommand.class,
            BenchCommand.class,
            BenchHttpCommand.class,
            BenchSleepCommand.class,
            ServeCommand.class,
            UpCommand.class,
            DownCommand.class,
            UpgradeCommand.class,
            InvokeCommand.class,
            RequestsCommand.class,
            TransactionsCommand.class,
            StateCommand.class,
            DeployCommand.class,
            FunctionCommand.class,
            GatewayCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main {
    @Option(
            names = CommandErrors.VERBOSE,
            scope = ScopeType.INHERIT,
            description = "on an error, print its stack trace too")
    boolean verbose;

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (for tests). */
    static int run(String... args) {
        return new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(new CommandErrors())
                .execute(args);
    }
}
