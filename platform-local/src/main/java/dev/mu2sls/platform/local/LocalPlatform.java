package dev.mu2sls.platform.local;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mu2sls.core.Inspector;
import dev.mu2sls.http.CallSigner;
import dev.mu2sls.http.FileRoutes;
import dev.mu2sls.store.postgres.LocalPostgres;
import dev.mu2sls.store.postgres.PostgresStore;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local multi-process serverless platform behind {@code ./mu2sls up}: every service of an
 * application runs as one or more JVM processes ({@code mu2sls function}), or with
 * {@code --colocate} every service together in each process (calls between them stay in it), a gateway process
 * ({@code mu2sls gateway}) in front, all sharing one PostgreSQL store (a local one started here
 * when no URL is given).
 *
 * <p>Like a serverless platform it: starts instances and routes to them only once their health
 * endpoint answers (readiness), publishes the ready instances in a routes file the processes
 * re-read (service discovery), replaces instances that die, adds an instance when the requests in
 * flight per instance reach the target and retires one (SIGTERM, graceful) after 10 s idle, and
 * with chaos on kills random instances with SIGKILL. Callers, the gateway and the functions' call
 * transport, retry a call whose instance died with the same request id.
 */
public final class LocalPlatform implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern IN_FLIGHT = Pattern.compile("\"inFlight\":(\\d+)");
    private static final long TICK_MILLIS = 100;
    private static final int IDLE_TICKS_BEFORE_RETIRING = 100;
    private static final int UNHEALTHY_CHECKS_BEFORE_REPLACING = 10;
    /** Checks (every 2 s) in a row that find no request of an older version before it is retired. */
    private static final int QUIET_CHECKS_BEFORE_RETIRING = 2;

    /**
     * @param appArgument the example name or jar path, as the instances are given it
     * @param mode the engine mode of every process
     * @param storeUrl PostgreSQL URL, or null to start a local PostgreSQL
     * @param stateDirectory where the state file, routes file and instance logs go
     * @param gatewayPort the gateway's port (0: any free port)
     * @param minInstances instances per service kept running
     * @param maxInstances instances per service at most
     * @param targetInFlight requests in flight per instance that trigger another instance
     * @param chaosInterval mean time between kills, or null for no chaos
     * @param jvmOptions options of the instances' JVMs
     * @param openGateway whether the gateway listens on every interface rather than loopback only
     *     (the functions always listen on loopback)
     * @param mainClass the main class the instances run with its {@code gateway} and {@code function}
     *     commands (the command line's), on this process's class path
     * @param colocate whether each instance runs every service of the application rather than one
     */
    public record Options(
            String appArgument,
            PlatformMode mode,
            String storeUrl,
            String storeUser,
            String storePassword,
            Path stateDirectory,
            int gatewayPort,
            int minInstances,
            int maxInstances,
            int targetInFlight,
            Duration chaosInterval,
            long seed,
            List<String> jvmOptions,
            PrintStream log,
            boolean openGateway,
            String mainClass,
            boolean colocate) {
        public Options {
            if (gatewayPort < 0 || gatewayPort > 65535) {
                throw new IllegalArgumentException("gateway port must be 0 to 65535: got " + gatewayPort);
            }
        }
    }

    /**
     * What one instance runs: one service, or every service of the application co-located.
     *
     * @param name the services' label in logs and summaries: the service's, or the application's
     */
    private record Function(String name, List<String> services) {
        boolean colocated() {
            return services.size() > 1;
        }
    }

    /** Gateway exits before it was ever ready after which starting is given up (a taken port, a bad option). */
    private static final int GATEWAY_START_FAILURES = 3;

    private final Options options;
    private final Apps.App app;
    private final String secret;
    private final Path routesFile;
    private final Path logDirectory;
    private final List<Instance> instances = new CopyOnWriteArrayList<>();
    private final ExecutorService healthExecutor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient health;
    private final SplittableRandom random;
    private final AtomicInteger kills = new AtomicInteger();
    private final AtomicInteger deaths = new AtomicInteger();
    private final AtomicInteger scaledUp = new AtomicInteger();
    private final AtomicInteger retired = new AtomicInteger();
    private final AtomicInteger wedged = new AtomicInteger();
    private final Map<String, Integer> idleTicks = new LinkedHashMap<>();
    private final AtomicInteger gatewayStartFailures = new AtomicInteger();
    private final Map<Deployments.Deployment, Integer> quietChecks = new LinkedHashMap<>();
    /** The versions of the application up, newest last (set once the state directory is claimed). */
    private Deployments deployments;
    /** Reads which versions requests in flight ran, to retire an older version (open while up runs). */
    private PostgresStore versionsStore;

    private Inspector versions;
    /** The newest version the state file names: it is written once that version is ready. */
    private String announcedVersion;

    private LocalPostgres postgres;
    private String storeUrl;
    private String storePassword;
    /** Set once no other platform is up from the state directory: only then does close() clean it. */
    private volatile boolean claimed;

    private int gatewayPort;
    private Thread controller;
    private volatile boolean closing;
    private volatile boolean chaosStopped;
    private long nextKillAt;
    private long ticks;

    private LocalPlatform(Options options) {
        this.options = options;
        this.app = Apps.resolve(options.appArgument());
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        this.secret = HexFormat.of().formatHex(bytes);
        this.routesFile = options.stateDirectory().resolve("routes.json");
        this.logDirectory = options.stateDirectory().resolve("logs");
        this.random = new SplittableRandom(options.seed());
        // last: a client's selector thread would outlive a refused application argument
        // virtual threads: health checks run all the time and should not churn a platform pool
        this.health = HttpClient.newBuilder()
                .connectTimeout(Duration.ofMillis(300))
                .executor(healthExecutor)
                .build();
    }

    /** Starts the platform and returns once the gateway and one instance of every service are ready. */
    public static LocalPlatform start(Options options) throws IOException, InterruptedException {
        LocalPlatform platform = new LocalPlatform(options);
        try {
            platform.boot();
        } catch (IOException | InterruptedException | RuntimeException e) {
            platform.close();
            throw e;
        }
        return platform;
    }

    private void boot() throws IOException, InterruptedException {
        Files.createDirectories(logDirectory);
        Path stateFile = stateFile(options.stateDirectory());
        if (Files.exists(stateFile)) {
            long pid = JSON.readTree(stateFile.toFile()).path("pid").asLong();
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                throw new IllegalStateException("an application is already up from " + options.stateDirectory()
                        + " (pid " + pid + "); stop it with ./mu2sls down, or use another --state-dir");
            }
        }
        claimed = true;
        storeUrl = options.storeUrl();
        storePassword = options.storePassword();
        if (storeUrl == null) {
            options.log().println("starting a local PostgreSQL (no --store-url given)...");
            postgres = LocalPostgres.start(null);
            storeUrl = postgres.jdbcUrl();
            storePassword = postgres.requirePassword();
            writeOwnerOnly(passwordFile(options.stateDirectory()), storePassword); // for the admin commands
        }
        // create the table once, before the instances race to
        versionsStore =
                PostgresStore.open(storeUrl, options.storeUser(), storePassword, 2, PlatformStore.table(app.name()));
        versions = new Inspector(versionsStore, null);
        FileRoutes.write(routesFile, Map.of());
        deployments = Deployments.load(options.stateDirectory(), options.appArgument(), options.log());
        gatewayPort = options.gatewayPort() == 0 ? freePort() : options.gatewayPort();
        instances.add(launch(null, null, gatewayPort));
        for (Deployments.Deployment deployment : deployments.all()) {
            launchAll(deployment);
        }
        nextKillAt = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        controller = Thread.ofPlatform().daemon().name("mu2sls-platform").start(this::control);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!allReady()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the application did not become ready within 180 s; see the logs in " + logDirectory);
            }
            if (gatewayStartFailures.get() >= GATEWAY_START_FAILURES) {
                throw new IllegalStateException("the gateway exited " + GATEWAY_START_FAILURES
                        + " times before it was ready (port " + gatewayPort + " taken?); see "
                        + logDirectory.resolve("gateway-" + gatewayPort + ".log"));
            }
            Thread.sleep(100);
        }
        writeState();
    }

    private void launchAll(Deployments.Deployment deployment) throws IOException {
        for (Function function : functions(deployment)) {
            for (int i = 0; i < options.minInstances(); i++) {
                instances.add(launch(deployment, function, freePort()));
            }
        }
    }

    /** The functions {@code deployment} runs as: one per service, or one with all of them co-located. */
    private List<Function> functions(Deployments.Deployment deployment) {
        List<String> services = deployment.app().serviceNames();
        if (options.colocate() && services.size() > 1) {
            return List.of(new Function(deployment.app().name(), services));
        }
        return services.stream().map(s -> new Function(s, List.of(s))).toList();
    }

    /**
     * Writes the state file: the newest version once it is ready ({@code ./mu2sls upgrade} waits
     * for it), and every version alive.
     */
    private void writeState() throws IOException {
        Deployments.Deployment newest = deployments.newest();
        ObjectNode state = JSON.createObjectNode()
                .put("pid", ProcessHandle.current().pid())
                .put("app", app.name())
                .put("version", newest.version())
                .put("mode", options.mode().label())
                .put("gateway", gateway().toString())
                .put("store", storeUrl)
                .put("table", PlatformStore.table(app.name()))
                .put("routes", routesFile.toString())
                .put("logs", logDirectory.toString());
        deployments.versions().forEach(state.putArray("versions")::add);
        Path aside = options.stateDirectory().resolve("state.json.tmp");
        Files.writeString(aside, state.toPrettyString());
        Files.move(
                aside,
                stateFile(options.stateDirectory()),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        announcedVersion = newest.version();
    }

    /**
     * Asks the platform up from {@code stateDirectory} to run {@code jar} as the newest version of
     * its application ({@code ./mu2sls upgrade}): new requests go to it once it is ready, and the
     * older version stays alive while requests it ran are in flight. Read the state file's
     * {@code version} to see it ready, {@link #upgradeRefusal} to see it refused.
     */
    public static void requestUpgrade(Path stateDirectory, Path jar) throws IOException {
        Deployments.request(stateDirectory, jar);
    }

    /** Why the platform up from {@code stateDirectory} refused the last upgrade asked for, or null. */
    public static String upgradeRefusal(Path stateDirectory) throws IOException {
        return Deployments.refusal(stateDirectory);
    }

    /** The file {@code up} describes the running platform in ({@link #readState}), which {@code down} removes. */
    public static Path stateFile(Path stateDirectory) {
        return stateDirectory.resolve("state.json");
    }

    /** The password of the PostgreSQL up started, readable by its owner only, while up runs. */
    public static Path passwordFile(Path stateDirectory) {
        return stateDirectory.resolve("store-password");
    }

    private static void writeOwnerOnly(Path file, String secret) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, secret + "\n");
    }

    /** The application the platform runs, at its newest version. */
    public Apps.App app() {
        return deployments.newest().app();
    }

    /** The gateway's address, on loopback. */
    public URI gateway() {
        return URI.create("http://127.0.0.1:" + gatewayPort);
    }

    /** The JDBC URL of the store every process shares. */
    public String storeUrl() {
        return storeUrl;
    }

    /** The store password the instances were given (generated when up started the PostgreSQL). */
    public String storePassword() {
        return storePassword;
    }

    /** Instances killed by chaos so far. */
    public int kills() {
        return kills.get();
    }

    /** One line: instances by service, kills, deaths, scaling. */
    public String summary() {
        Map<String, Integer> ready = new LinkedHashMap<>();
        for (Instance instance : instances) {
            if (instance.function != null && instance.ready) {
                ready.merge(instance.label(), 1, Integer::sum);
            }
        }
        return "ready instances " + ready + ", chaos kills " + kills.get() + ", deaths " + deaths.get() + ", scaled up "
                + scaledUp.get() + ", retired " + retired.get() + ", replaced unhealthy " + wedged.get();
    }

    private boolean allReady() {
        if (instances.stream().noneMatch(i -> i.function == null && i.ready)) {
            return false;
        }
        return deployments.all().stream().allMatch(this::ready);
    }

    /** Whether every function of {@code deployment} has a ready instance. */
    private boolean ready(Deployments.Deployment deployment) {
        return functions(deployment).stream().allMatch(f -> instances.stream()
                .anyMatch(i -> i.deployment == deployment && f.equals(i.function) && i.ready));
    }

    // ---- the control loop -------------------------------------------------------------------

    private void control() {
        while (!closing) {
            try {
                tick();
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                options.log().println("platform: " + e);
            }
        }
    }

    private void tick() throws IOException, InterruptedException {
        boolean changed = false;
        for (Instance instance : instances) {
            if (!instance.process.isAlive()) {
                instances.remove(instance);
                changed |= instance.ready;
                if (!instance.retiring && !instance.killed) {
                    deaths.incrementAndGet();
                    options.log()
                            .println("platform: " + instance + " died (exit " + instance.process.exitValue() + ")");
                }
                if (instance.function == null && !instance.wasReady) {
                    gatewayStartFailures.incrementAndGet();
                }
                if (instance.function == null && !closing) {
                    instances.add(launch(null, null, gatewayPort));
                }
            } else if (!instance.ready && !instance.retiring && healthy(instance) >= 0) {
                instance.ready = true;
                instance.wasReady = true;
                changed = true;
                options.log()
                        .println("platform: " + instance + " ready after "
                                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - instance.startedNanos) + " ms");
            }
        }
        Deployments.Deployment upgrade = deployments.takeRequest();
        if (upgrade != null) {
            launchAll(upgrade);
        }
        for (Deployments.Deployment deployment : deployments.all()) {
            for (Function function : functions(deployment)) {
                long running = instances.stream()
                        .filter(i -> i.deployment == deployment && function.equals(i.function) && !i.retiring)
                        .count();
                for (long n = running; n < options.minInstances(); n++) {
                    instances.add(launch(deployment, function, freePort()));
                }
            }
        }
        if (announcedVersion != null // boot announces the first, once the gateway is ready too
                && !deployments.newest().version().equals(announcedVersion)
                && ready(deployments.newest())) {
            // new requests go to it from now on: the routes say so before the state announces it
            publishRoutes();
            writeState();
        }
        if (++ticks % 20 == 0) {
            changed |= retireDrained();
        }
        if (ticks % 10 == 0) {
            changed |= autoscale();
            for (Instance gateway : instances) {
                if (gateway.function == null && gateway.ready) {
                    replaceIfWedged(gateway, healthy(gateway)); // relaunched on its port once dead
                }
            }
        }
        if (options.chaosInterval() != null && System.nanoTime() >= nextKillAt) {
            changed |= chaos();
            nextKillAt = System.nanoTime() + (long) (options.chaosInterval().toNanos() * (0.5 + random.nextDouble()));
        }
        if (changed) {
            publishRoutes();
        }
    }

    /**
     * Knative-style: scale on requests in flight per instance; retire after a quiet spell. Only the
     * newest version scales: an older one keeps its minimum while it drains.
     */
    private boolean autoscale() throws IOException, InterruptedException {
        boolean changed = false;
        Deployments.Deployment newestVersion = deployments.newest();
        for (Function function : functions(newestVersion)) {
            String name = function.name();
            List<Instance> ready = instances.stream()
                    .filter(i -> i.deployment == newestVersion && function.equals(i.function) && i.ready)
                    .toList();
            long running = instances.stream()
                    .filter(i -> i.deployment == newestVersion && function.equals(i.function) && !i.retiring)
                    .count();
            if (ready.isEmpty()) {
                continue;
            }
            int inFlight = 0;
            for (Instance instance : ready) {
                int answer = healthy(instance);
                inFlight += Math.max(0, answer);
                changed |= replaceIfWedged(instance, answer);
            }
            if (inFlight >= options.targetInFlight() * ready.size() && running < options.maxInstances()) {
                scaledUp.incrementAndGet();
                options.log()
                        .println("platform: " + name + " has " + inFlight + " requests in flight on " + ready.size()
                                + " instances: adding one");
                instances.add(launch(newestVersion, function, freePort()));
                idleTicks.put(name, 0);
            } else if (inFlight == 0) {
                int idle = idleTicks.merge(name, 10, Integer::sum);
                if (idle >= IDLE_TICKS_BEFORE_RETIRING && running > options.minInstances()) {
                    Instance newest = ready.getLast();
                    newest.retiring = true;
                    newest.ready = false;
                    changed = true;
                    retired.incrementAndGet();
                    idleTicks.put(name, 0);
                    options.log().println("platform: " + name + " idle: retiring " + newest);
                    stopSoon(newest);
                }
            } else {
                idleTicks.put(name, 0);
            }
        }
        return changed;
    }

    /** SIGTERM to a retiring instance (graceful: requests in flight finish), once callers stopped picking it. */
    private static void stopSoon(Instance instance) {
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(1_000); // callers stop picking it once the routes change
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            instance.process.destroy();
        });
    }

    /**
     * Retires each older version that no request in flight needs any more: the store holds no
     * acceptance record or timer of a request it ran ({@link Inspector#openRequestsByVersion}),
     * and its instances run nothing ({@code /health}), {@value #QUIET_CHECKS_BEFORE_RETIRING}
     * checks in a row, while the newest version is ready. Reads the store only while an older
     * version is alive, every 2 s: the requests' own path pays nothing for it.
     */
    private boolean retireDrained() throws IOException, InterruptedException {
        List<Deployments.Deployment> older = deployments.older();
        if (older.isEmpty() || !ready(deployments.newest())) {
            return false;
        }
        Map<String, Integer> open = versions.openRequestsByVersion();
        boolean changed = false;
        for (Deployments.Deployment deployment : older) {
            int inFlight = 0;
            for (Instance instance : instances) {
                if (instance.deployment == deployment && instance.ready) {
                    inFlight += Math.max(0, healthy(instance));
                }
            }
            if (open.containsKey(deployment.version()) || inFlight > 0) {
                quietChecks.remove(deployment);
                continue;
            }
            if (quietChecks.merge(deployment, 1, Integer::sum) < QUIET_CHECKS_BEFORE_RETIRING) {
                continue;
            }
            quietChecks.remove(deployment);
            deployments.retire(deployment);
            options.log().println("platform: retiring " + deployment + ": no request it ran is in flight");
            for (Instance instance : instances) {
                if (instance.deployment == deployment) {
                    instance.retiring = true;
                    instance.ready = false;
                    stopSoon(instance);
                }
            }
            changed = true;
            writeState();
        }
        return changed;
    }

    /**
     * Kills (SIGKILL) a ready instance whose health endpoint has not answered for
     * {@value #UNHEALTHY_CHECKS_BEFORE_REPLACING} checks in a row (one a second): a process that is
     * alive but serves no one (its connections exhausted by a flood, say) is replaced like a dead one.
     */
    private boolean replaceIfWedged(Instance instance, int healthAnswer) {
        if (healthAnswer >= 0) {
            instance.failedHealthChecks = 0;
            return false;
        }
        if (++instance.failedHealthChecks < UNHEALTHY_CHECKS_BEFORE_REPLACING) {
            return false;
        }
        instance.ready = false;
        instance.killed = true;
        instance.process.destroyForcibly();
        wedged.incrementAndGet();
        options.log()
                .println("platform: " + instance + " failed " + UNHEALTHY_CHECKS_BEFORE_REPLACING
                        + " health checks in a row: killed, to be replaced");
        return true;
    }

    /** Stops killing instances (the application goes on running). */
    public void stopChaos() {
        chaosStopped = true;
    }

    /**
     * Kills a random ready function instance with SIGKILL; only one whose service has another
     * ready instance, so that the application stays available while the killed one is replaced
     * (requests in flight on it fail, and their callers retry them elsewhere).
     */
    private boolean chaos() {
        if (chaosStopped) {
            return false;
        }
        List<Instance> candidates =
                instances.stream().filter(i -> i.function != null && i.ready).toList();
        List<Instance> pool = candidates.stream()
                .filter(i -> candidates.stream()
                                .filter(o -> o.function.equals(i.function) && o.deployment == i.deployment)
                                .count()
                        > 1)
                .toList();
        if (pool.isEmpty()) {
            return false;
        }
        Instance victim = pool.get(random.nextInt(pool.size()));
        victim.killed = true;
        victim.ready = false;
        victim.process.destroyForcibly(); // SIGKILL
        kills.incrementAndGet();
        options.log().println("chaos: kill -9 " + victim);
        return true;
    }

    /** In-flight requests from the health endpoint, or -1 if it does not answer. */
    private int healthy(Instance instance) throws InterruptedException {
        try {
            HttpResponse<String> response = health.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.port + "/health"))
                            .timeout(Duration.ofMillis(500))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return -1;
            }
            Matcher matcher = IN_FLIGHT.matcher(response.body());
            return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Publishes the ready instances: under a service's name those of the newest version that has
     * one (new requests; an older version's while the newest starts), and under
     * {@code Service@version} each declared version's own (re-drives of the requests it ran). A
     * co-located service's instances are published with its path: {@code http://127.0.0.1:port/Service}.
     */
    private void publishRoutes() throws IOException {
        Map<String, List<URI>> routes = new LinkedHashMap<>();
        for (Deployments.Deployment deployment : deployments.all().reversed()) {
            for (Function function : functions(deployment)) {
                for (String service : function.services()) {
                    List<URI> ready = readyInstances(deployment, function, service);
                    routes.merge(service, ready, (newer, older) -> newer.isEmpty() ? older : newer);
                    if (deployment.declared()) {
                        routes.put(FileRoutes.versioned(service, deployment.version()), ready);
                    }
                }
            }
        }
        FileRoutes.write(routesFile, routes);
    }

    private List<URI> readyInstances(Deployments.Deployment deployment, Function function, String service) {
        String path = function.colocated() ? "/" + service : "";
        return instances.stream()
                .filter(i -> i.deployment == deployment && function.equals(i.function) && i.ready)
                .map(i -> URI.create("http://127.0.0.1:" + i.port + path))
                .toList();
    }

    /** Starts an instance of {@code function} of {@code deployment}, or the gateway (both null) of the newest version. */
    private Instance launch(Deployments.Deployment deployment, Function function, int port) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(options.jvmOptions());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), options.mainClass()));
        if (function == null) {
            command.addAll(List.of("gateway", "--app", deployments.newest().appArgument()));
        } else {
            command.addAll(List.of(
                    "function", "--app", deployment.appArgument(), "--service", String.join(",", function.services())));
        }
        command.addAll(List.of(
                "--mode",
                options.mode().label(),
                "--routes",
                routesFile.toString(),
                "--parent-pid",
                Long.toString(ProcessHandle.current().pid())));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logDirectory
                        .resolve((function == null ? "gateway" : function.name()) + "-" + port + ".log")
                        .toFile()));
        builder.environment().put("PORT", Integer.toString(port));
        // secrets go through the environment, which only this user can read (a command line is public)
        builder.environment().put(CallSigner.SECRET_ENV, secret);
        builder.environment().put(PlatformStore.URL_ENV, storeUrl);
        builder.environment().put(PlatformStore.USER_ENV, options.storeUser());
        builder.environment().put(PlatformStore.PASSWORD_ENV, storePassword);
        builder.environment().remove(PlatformStore.PASSWORD_FILE_ENV);
        builder.environment()
                .put(PlatformProcess.HOST_ENV, function == null && options.openGateway() ? "0.0.0.0" : "127.0.0.1");
        Instance instance = new Instance(deployment, function, port, builder.start());
        options.log().println("platform: started " + instance);
        return instance;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Stops every instance (SIGTERM, then SIGKILL after 5 s), the local PostgreSQL, and removes the
     * state and routes files, unless another platform was already up from the state directory.
     */
    @Override
    public void close() {
        closing = true;
        if (controller != null) {
            controller.interrupt();
            try {
                controller.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        instances.forEach(instance -> instance.process.destroy());
        for (Instance instance : instances) {
            try {
                if (!instance.process.waitFor(5, TimeUnit.SECONDS)) {
                    instance.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                instance.process.destroyForcibly();
            }
        }
        instances.clear();
        if (versionsStore != null) {
            versionsStore.close();
        }
        health.close();
        healthExecutor.close();
        if (postgres != null) {
            postgres.close();
        }
        if (!claimed) {
            return; // the files are the running platform's
        }
        try {
            Path stateFile = stateFile(options.stateDirectory());
            if (Files.exists(stateFile)
                    && JSON.readTree(stateFile.toFile()).path("pid").asLong()
                            == ProcessHandle.current().pid()) {
                Files.delete(stateFile);
            }
            Files.deleteIfExists(routesFile);
            if (postgres != null) {
                Files.deleteIfExists(passwordFile(options.stateDirectory()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One process of the platform: a function instance, or the gateway ({@code function == null}). */
    private static final class Instance {
        /** The version it runs; null for the gateway. */
        final Deployments.Deployment deployment;

        final Function function;
        final int port;
        final Process process;
        final long startedNanos = System.nanoTime();
        volatile boolean ready;
        volatile boolean wasReady;
        volatile boolean retiring;
        volatile boolean killed;
        int failedHealthChecks; // by the control thread only

        Instance(Deployments.Deployment deployment, Function function, int port, Process process) {
            this.deployment = deployment;
            this.function = function;
            this.port = port;
            this.process = process;
        }

        @Override
        public String toString() {
            return (function == null ? "gateway" : label()) + " :" + port + " (pid " + process.pid() + ")";
        }

        /** The function's name, with its version when the application declares one. */
        String label() {
            return deployment.declared() ? function.name() + "@" + deployment.version() : function.name();
        }
    }

    /**
     * One field of the state file of the platform up from {@code stateDirectory}: {@code pid},
     * {@code gateway}, {@code store}, {@code table}, {@code mode}, ...
     *
     * @throws IllegalStateException if no platform is up from there
     */
    public static String readState(Path stateDirectory, String field) throws IOException {
        Path file = stateFile(stateDirectory);
        if (!Files.exists(file)) {
            throw new IllegalStateException("no application is up from " + stateDirectory + " (no " + file.getFileName()
                    + "); start one with ./mu2sls up <app>");
        }
        return JSON.readTree(Files.readString(file, UTF_8)).path(field).asText();
    }
}
