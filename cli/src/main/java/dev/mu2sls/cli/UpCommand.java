package dev.mu2sls.cli;

import dev.mu2sls.platform.local.LocalPlatform;
import dev.mu2sls.platform.local.PlatformMode;
import dev.mu2sls.platform.local.PlatformStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mu2sls up <app>}: runs an application on the local multi-process platform
 * ({@link LocalPlatform}) until Ctrl-C or {@code mu2sls down}.
 */
@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description =
                "Run an application (an example: counter, chain, tree, media, travel, bank, shortener, social, shop, orders; or a jar) "
                        + "as HTTP functions in separate JVM processes with a gateway, on a shared PostgreSQL; stop with Ctrl-C or ./mu2sls down.")
final class UpCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "example name or application jar")
    String app;

    @Option(
            names = "--port",
            defaultValue = "8080",
            description = "gateway port on 127.0.0.1, 0 for any (default: ${DEFAULT-VALUE})")
    int port;

    @Option(
            names = "--open",
            description = "let the gateway listen on every interface, not only 127.0.0.1 (functions stay on loopback)")
    boolean open;

    @Option(names = "--state-dir", description = "state, routes and instance logs (default: ~/.mu2sls)")
    Path stateDirectory;

    @Option(names = "--store-url", description = "PostgreSQL JDBC URL (default: start a local PostgreSQL)")
    String storeUrl;

    @Option(
            names = "--store-user",
            defaultValue = "postgres",
            description =
                    "PostgreSQL user (default: ${DEFAULT-VALUE}); "
                            + "the password comes from $MU2SLS_STORE_PASSWORD or the file $MU2SLS_STORE_PASSWORD_FILE, never the command line")
    String storeUser;

    @Option(
            names = "--min-instances",
            defaultValue = "1",
            description = "instances per service kept running (default: ${DEFAULT-VALUE})")
    int minInstances;

    @Option(
            names = "--max-instances",
            defaultValue = "4",
            description = "instances per service at most (default: ${DEFAULT-VALUE})")
    int maxInstances;

    @Option(
            names = "--target-concurrency",
            defaultValue = "8",
            description = "requests in flight per instance that add an instance (default: ${DEFAULT-VALUE})")
    int targetInFlight;

    @Option(
            names = "--mode",
            defaultValue = "full",
            description = "engine mode of every function: full (journal and transactions) "
                    + "or exactly-once (journal; transactions run without isolation) (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(
            names = "--colocate",
            description = "run every service of the application in each function process: calls between them "
                    + "stay in the process, with no HTTP hop (default: one service per process)")
    boolean colocate;

    @Option(names = "--chaos", description = "kill -9 random instances while running")
    boolean chaos;

    @Option(
            names = "--chaos-interval",
            defaultValue = "2",
            description = "mean seconds between chaos kills (default: ${DEFAULT-VALUE})")
    double chaosSeconds;

    @Option(names = "--seed", defaultValue = "42", description = "seed of the chaos (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--instance-jvm-options",
            defaultValue = "-XX:+UseSerialGC -Xmx256m -XX:TieredStopAtLevel=1",
            description = "JVM options of the instances (default: ${DEFAULT-VALUE})")
    String jvmOptions;

    @Override
    public Integer call() throws Exception {
        if (minInstances < 1 || maxInstances < minInstances) {
            throw new IllegalArgumentException(
                    "instances must satisfy 1 <= min <= max: got min " + minInstances + ", max " + maxInstances);
        }
        PlatformMode engineMode = PlatformMode.parse(mode);
        LocalPlatform.Options options = new LocalPlatform.Options(
                app,
                engineMode,
                storeUrl,
                storeUser,
                PlatformStore.password(System.getenv()),
                UpStateDirectory.orDefault(stateDirectory),
                port,
                minInstances,
                maxInstances,
                targetInFlight,
                chaos ? Duration.ofMillis((long) (chaosSeconds * 1000)) : null,
                seed,
                splitOptions(jvmOptions),
                System.out,
                open,
                Main.class.getName(),
                colocate);
        LocalPlatform platform = LocalPlatform.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("mu2sls up: stopping (" + platform.summary() + ")");
            platform.close();
            stopped.countDown();
        }));
        System.out.println(
                "mu2sls up: " + platform.app().name() + " " + platform.app().serviceNames() + " on "
                        + platform.gateway() + ", mode " + engineMode.label() + (colocate ? ", co-located" : "")
                        + (chaos ? ", chaos on" : ""));
        System.out.println("call it:  ./mu2sls invoke <Service> <method> '<json-args>'   or   curl -X POST "
                + platform.gateway() + "/call/<Service>/<method> -d '<json-args>'");
        System.out.println("stop it:  Ctrl-C or ./mu2sls down");
        System.out.flush();
        stopped.await();
        return 0;
    }

    static List<String> splitOptions(String options) {
        return Arrays.stream(options.trim().split("\\s+"))
                .filter(s -> !s.isEmpty())
                .toList();
    }
}
