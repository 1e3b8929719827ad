package dev.mu2sls.platform.local;

import dev.mu2sls.core.CallTransport;
import dev.mu2sls.core.Engine;
import dev.mu2sls.core.Inspector;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.Response;
import dev.mu2sls.http.CallSigner;
import dev.mu2sls.http.CallUnavailableError;
import dev.mu2sls.http.Console;
import dev.mu2sls.http.GatewayHandler;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An application's gateway process (what a platform runs in front of the functions): the clients'
 * door ({@link GatewayHandler}) on {@code $PORT}, with the web {@link Console} at {@code /console}.
 * On start it re-drives the requests that were accepted but not completed (through the functions,
 * like any request); it expires abandoned transactions and old responses periodically.
 */
public final class GatewayProcess {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayProcess.class);

    private GatewayProcess() {}

    /**
     * Serves until SIGTERM ({@link PlatformProcess#serveUntilStopped}).
     *
     * @param routes the routes file {@code up} maintains, or null for {@code $MU2SLS_ROUTES}
     * @param deadline how long a client request is retried across instances before 503
     * @param parentPid a process to exit with, or null
     * @param store the application's store, closed on stop
     */
    public static void serve(
            Apps.App application, PlatformMode engineMode, Path routes, Duration deadline, Long parentPid, Store store)
            throws InterruptedException {
        CallSigner signer = CallSigner.fromEnvironment(System.getenv());
        Routes instances = PlatformProcess.routes(routes);
        HttpCallTransport transport = new HttpCallTransport(instances, signer, Duration.ofSeconds(60), deadline);
        Telemetry telemetry = Telemetry.fromEnvironment("gateway", System.getenv());
        // the gateway's engine runs no request: it scans the store to re-drive and expire
        Engine engine = Engine.builder()
                .store(store)
                .codec(new JsonCodec())
                .mode(engineMode.mode())
                .services(application.services())
                .observer(telemetry.observer())
                .build();
        Console console = new Console(
                new Inspector(store, engine.codec()),
                telemetry,
                instances,
                Console.exposure(System.getenv(), PlatformProcess.host()));
        GatewayHandler handler = new GatewayHandler(
                transport,
                application.services(),
                Engine.DEFAULT_MAX_PAYLOAD_BYTES,
                engineMode.mode(),
                (invocation, report) -> markFailed(engine, invocation, report),
                telemetry,
                console);
        telemetry.bind(engine, "gateway");
        HttpServerAdapter server = JettyServer.startNonBlocking(
                PlatformProcess.host(), PlatformProcess.port(), handler.maxBodyBytes(), handler::handle);
        Thread.ofVirtual().name("mu2sls-recovery").start(() -> housekeeping(engine, transport));
        PlatformProcess.serveUntilStopped(
                server,
                handler,
                "gateway " + application.name() + " (mode " + engineMode.label() + ")",
                parentPid,
                engine,
                store,
                telemetry);
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
     * that one that never completes cannot hold up those after it; then runs the timer driver and
     * expires transactions and responses ({@link Housekeeping}).
     */
    private static void housekeeping(Engine engine, HttpCallTransport transport) {
        CallTransport redrive = invocation -> redrive(engine, transport, invocation);
        try {
            int redriven = engine.recover(redrive);
            LOG.info("recovery: re-drove {} accepted requests, sends and timers", redriven);
        } catch (RuntimeException e) {
            LOG.error("recovery stopped: {}; the gateway's next start re-drives what is left", e.toString());
        }
        new Housekeeping(engine, redrive).run();
    }

    /** Delivers an accepted request (a client's, a send, a timer) to an instance, up to {@link GatewayHandler#MAX_REDELIVERIES} times. */
    private static Response redrive(Engine engine, HttpCallTransport transport, Invocation invocation) {
        for (int round = 0; round <= GatewayHandler.MAX_REDELIVERIES; round++) {
            try {
                HttpReply reply = transport.deliver(invocation, true);
                if (reply.status() >= 400) {
                    markFailed(
                            engine,
                            invocation,
                            "refused on re-delivery with " + reply.status() + ": "
                                    + new String(reply.body(), StandardCharsets.UTF_8));
                }
                return null;
            } catch (CallUnavailableError e) {
                LOG.warn("recovery: {}; retrying", e.getMessage());
            }
        }
        markFailed(
                engine,
                invocation,
                "no instance completed it in " + (GatewayHandler.MAX_REDELIVERIES + 1) + " deliveries");
        return null;
    }
}
