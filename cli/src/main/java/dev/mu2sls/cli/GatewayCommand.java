package dev.mu2sls.cli;

import dev.mu2sls.core.Engine;
import dev.mu2sls.core.Inspector;
import dev.mu2sls.http.CallSigner;
import dev.mu2sls.http.CallUnavailableError;
import dev.mu2sls.http.Console;
import dev.mu2sls.http.GatewayHandler;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.http.HttpCallTransport;
import dev.mu2sls.http.HttpReply;
import dev.mu2sls.http.HttpServerAdapter;
import dev.mu2sls.http.JettyServer;
import dev.mu2sls.http.Routes;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.observability.Telemetry;
import dev.mu2sls.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mu2sls gateway} (hidden; what a platform runs in front of the functions): the clients'
 * door ({@link GatewayHandler}) on {@code $PORT}, with the web {@link Console} at {@code /console}. On start it re-drives the requests that were
 * accepted but not completed (through the functions, like any request); it expires abandoned
 * transactions and old responses periodically.
 */
@Command(name = "gateway", hidden = true, mixinStandardHelpOptions = true,
        description = "Serve an application's gateway on $PORT (what the platform runs in front of the functions).")
final class GatewayCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayCommand.class);

    @Option(names = "--app", required = true, description = "example name or application jar")
    String app;

    @Option(names = "--routes", description = "JSON file of instance URLs per service (default: $MU2SLS_ROUTES)")
    Path routes;

    @Option(names = "--mode", defaultValue = "full", description = "engine mode: full or exactly-once (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--parent-pid", description = "exit when this process exits")
    Long parentPid;

    @Option(names = "--deadline-seconds", defaultValue = "30", description = "how long a client request is retried across instances before 503 (default: ${DEFAULT-VALUE})")
    int deadlineSeconds;

    @Mixin
    PlatformStore storeOptions;

    @Override
    public Integer call() throws Exception {
        Apps.App application = Apps.resolve(app);
        BenchConfig engineMode = BenchConfig.platformMode(mode);
        CallSigner signer = CallSigner.fromEnvironment(System.getenv());
        Routes instances = PlatformProcess.routes(routes);
        HttpCallTransport transport = new HttpCallTransport(instances, signer, Duration.ofSeconds(60),
                Duration.ofSeconds(deadlineSeconds));
        Store store = storeOptions.open(application.name());
        Telemetry telemetry = Telemetry.fromEnvironment("gateway", System.getenv());
        // the gateway's engine runs no request: it scans the store to re-drive and expire
        Engine engine = Engine.builder().store(store).codec(new JsonCodec()).mode(engineMode.mode).services(application.services())
                .observer(telemetry.observer()).build();
        Console console = new Console(new Inspector(store, engine.codec()), telemetry, instances,
                Console.exposure(System.getenv(), PlatformProcess.host()));
        GatewayHandler handler = new GatewayHandler(transport, application.services(), Engine.DEFAULT_MAX_PAYLOAD_BYTES,
                engineMode.mode, (invocation, report) -> markFailed(engine, invocation, report), telemetry, console);
        telemetry.bind(engine, "gateway");
        HttpServerAdapter server = JettyServer.startNonBlocking(PlatformProcess.host(), PlatformProcess.port(), handler.maxBodyBytes(), handler::handle);
        Thread.ofVirtual().name("mu2sls-recovery").start(() -> housekeeping(engine, transport));
        PlatformProcess.serveUntilStopped(server, handler, "gateway " + application.name() + " (mode " + engineMode.label + ")",
                parentPid, engine, store, telemetry);
        return 0;
    }

    /**
     * Gives up on an accepted request that no instance could complete (a poison request): the
     * engine quarantines it with the report (its response from now on, its acceptance record
     * dropped), so that re-delivery and recovery go on without it.
     */
    static void markFailed(Engine engine, Invocation invocation, String report) {
        engine.quarantine(invocation, Engine.QUARANTINED, report);
    }

    /**
     * Re-drives accepted requests once, each up to {@link GatewayHandler#MAX_REDELIVERIES} times, so
     * that one that never completes cannot hold up those after it; then expires transactions and
     * responses ({@link Housekeeping}).
     */
    private static void housekeeping(Engine engine, HttpCallTransport transport) {
        try {
            int redriven = engine.recover(invocation -> {
                for (int round = 0; round <= GatewayHandler.MAX_REDELIVERIES; round++) {
                    try {
                        HttpReply reply = transport.deliver(invocation, true);
                        if (reply.status() >= 400) {
                            markFailed(engine, invocation, "refused on re-delivery with " + reply.status() + ": "
                                    + new String(reply.body(), StandardCharsets.UTF_8));
                        }
                        return null;
                    } catch (CallUnavailableError e) {
                        LOG.warn("recovery: {}; retrying", e.getMessage());
                    }
                }
                markFailed(engine, invocation, "no instance completed it in " + (GatewayHandler.MAX_REDELIVERIES + 1) + " deliveries");
                return null;
            });
            LOG.info("recovery: re-drove {} accepted requests", redriven);
        } catch (RuntimeException e) {
            LOG.error("recovery stopped: {}; the gateway's next start re-drives what is left", e.toString());
        }
        new Housekeeping(engine).run();
    }
}
