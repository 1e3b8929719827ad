package dev.mu2sls.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mu2sls.platform.local.LocalPlatform;
import dev.mu2sls.platform.local.PlatformStore;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code ./mu2sls up} as a child JVM, as a user starts it, for the tests that kill a whole
 * platform with {@code kill -9}: it dies with its platform like on a machine that loses power, and
 * a restart finds the state directory that crash left behind.
 */
record UpProcess(Process process, Path log, URI gateway) implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xmx128m", "-XX:TieredStopAtLevel=1");

    /**
     * Starts {@code ./mu2sls up <app>} with its gateway on a free port, its state in
     * {@code state} and the test's PostgreSQL (password {@code postgres}); its output in
     * {@code up-<run>.log}. Returns once every service is ready.
     */
    static UpProcess start(String app, Path state, String storeUrl, int run) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "up",
                app,
                "--port",
                "0",
                "--state-dir",
                state.toString(),
                "--store-url",
                storeUrl,
                "--min-instances",
                "1",
                "--max-instances",
                "1",
                "--instance-jvm-options",
                String.join(" ", JVM_OPTIONS)));
        Path log = state.resolve("up-" + run + ".log");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put(PlatformStore.PASSWORD_ENV, "postgres");
        Process process = builder.start();
        try {
            return new UpProcess(process, log, awaitReady(process, state, log));
        } catch (Exception | AssertionError e) {
            new UpProcess(process, log, null).close();
            throw e;
        }
    }

    /** The gateway, once this process wrote the state file (every service ready); a crashed run's file names another pid. */
    private static URI awaitReady(Process process, Path state, Path log) throws Exception {
        Path stateFile = LocalPlatform.stateFile(state);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (Files.exists(stateFile)) {
                JsonNode written = JSON.readTree(stateFile.toFile());
                if (written.path("pid").asLong() == process.pid()) {
                    return URI.create(written.path("gateway").asText());
                }
            }
            assertThat(process.isAlive())
                    .as("up exited:\n%s", Files.readString(log, UTF_8))
                    .isTrue();
            assertThat(System.nanoTime())
                    .as("up ready within %s:\n%s", START_TIMEOUT, Files.readString(log, UTF_8))
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** The running instances of {@code service}, as the platform reported starting them ("started Mailer :port (pid N)"). */
    List<ProcessHandle> instancesOf(String service) throws IOException {
        Pattern started = Pattern.compile("platform: started " + service + " :\\d+ \\(pid (\\d+)\\)");
        Set<Long> reported = Files.readAllLines(log, UTF_8).stream()
                .map(started::matcher)
                .filter(Matcher::find)
                .map(m -> Long.parseLong(m.group(1)))
                .collect(Collectors.toSet());
        List<ProcessHandle> instances =
                process.descendants().filter(p -> reported.contains(p.pid())).toList();
        assertThat(instances)
                .as("running %s instances of the platform", service)
                .isNotEmpty();
        return instances;
    }

    void signal(String signal, List<ProcessHandle> targets) throws Exception {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        targets.forEach(p -> command.add(Long.toString(p.pid())));
        assertThat(new ProcessBuilder(command).inheritIO().start().waitFor())
                .as(String.join(" ", command))
                .isZero();
    }

    /** {@code kill -9} of up, the gateway and every instance at once, as when the machine loses power. */
    void kill9All() throws Exception {
        List<ProcessHandle> all = Stream.concat(Stream.of(process.toHandle()), process.descendants())
                .toList();
        assertThat(all).as("up, its gateway and its instances").hasSizeGreaterThanOrEqualTo(4);
        signal("9", all);
        for (ProcessHandle p : all) {
            p.onExit().get(30, TimeUnit.SECONDS);
        }
    }

    /** Stops up (which stops its instances); whatever is left, a stopped instance say, is killed. */
    @Override
    public void close() throws IOException {
        List<ProcessHandle> left = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            for (ProcessHandle p : left) {
                p.destroyForcibly();
                p.onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IOException("could not stop up (pid " + process.pid() + "): " + e, e);
        }
    }
}
