package dev.mu2sls.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, item 1, on real processes: {@code Shop.place} sends the order's mail with an async call
 * it never awaits. With the Mailer instance frozen (SIGSTOP), no client gets an answer; then every
 * process of the platform is killed with {@code kill -9}. After a restart on the same PostgreSQL,
 * the clients retry with their Idempotency-Keys: every order is placed and every mail sent exactly
 * once. (Before the fix the answer came at once, and the mail was lost with the killed processes.)
 */
@Tag("slow")
class UnawaitedCallKillTest {
    private static final int ORDERS = 5;
    private static final Pattern STARTED = Pattern.compile("platform: started (\\S+) :\\d+ \\(pid (\\d+)\\)");
    @RegisterExtension
    static final PostgresPerClass postgres = new PostgresPerClass();

    @TempDir
    Path first;
    @TempDir
    Path second;

    @Test
    void frozenMailer_killAll_restart_everyOrderMailedExactlyOnce() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<CompletableFuture<HttpResponse<String>>> unanswered = new ArrayList<>();
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            try (LocalPlatform platform = LocalPlatform.start(options(first, log))) {
                signal("STOP", started(log, "Mailer"));
                for (int i = 0; i < ORDERS; i++) {
                    unanswered.add(http.sendAsync(place(platform.gateway(), i), HttpResponse.BodyHandlers.ofString()));
                }
                Thread.sleep(2_000); // asserts an absence: nobody may have an answer while the mail is pending
                assertThat(unanswered).as("answers while the Mailer is frozen").noneMatch(CompletableFuture::isDone);

                // the gateway and every function (not the PostgreSQL server, also a child of this JVM)
                List<ProcessHandle> all = started(log, null).stream().map(ProcessHandle::of)
                        .flatMap(Optional::stream).toList();
                assertThat(all).as("platform processes alive").hasSizeGreaterThanOrEqualTo(3);
                signal("KILL", all.stream().map(ProcessHandle::pid).toList());
                for (ProcessHandle process : all) {
                    process.onExit().get(30, TimeUnit.SECONDS);
                }
            }
            unanswered.forEach(reply -> reply.cancel(true));

            try (LocalPlatform restarted = LocalPlatform.start(options(second, log))) {
                for (int i = 0; i < ORDERS; i++) {
                    HttpResponse<String> reply = http.send(place(restarted.gateway(), i), HttpResponse.BodyHandlers.ofString());
                    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
                    assertThat(reply.body()).isEqualTo("{\"ok\":true,\"value\":\"placed o" + i + "\"}");
                    HttpResponse<String> sent = http.send(call(restarted.gateway(), "Mailer", "sent", "[\"o" + i + "\"]", null),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(sent.body()).as("mails of order o%d\n%s", i, log).isEqualTo("{\"ok\":true,\"value\":1}");
                }
            }
        }
    }

    private LocalPlatform.Options options(Path state, ByteArrayOutputStream log) {
        return new LocalPlatform.Options("shop", BenchConfig.FULL, postgres.jdbcUrl(), "postgres", "postgres", state, 0, 1, 1, 8,
                null, 1, List.of("-XX:+UseSerialGC", "-Xmx128m", "-XX:TieredStopAtLevel=1"), new PrintStream(log, true, UTF_8), false);
    }

    private static HttpRequest place(URI gateway, int order) {
        return call(gateway, "Shop", "place", "[\"o" + order + "\"]", "order-" + order);
    }

    private static HttpRequest call(URI gateway, String service, String method, String body, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.resolve("/call/" + service + "/" + method))
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return request.build();
    }

    /** The pids of the processes the platform says it started for {@code name} ("gateway" or a service). */
    private static List<Long> started(ByteArrayOutputStream log, String name) {
        Matcher started = STARTED.matcher(log.toString(UTF_8));
        List<Long> pids = new ArrayList<>();
        while (started.find()) {
            if (name == null || started.group(1).equals(name)) {
                pids.add(Long.parseLong(started.group(2)));
            }
        }
        assertThat(pids).as("processes started for %s:%n%s", name, log).isNotEmpty();
        return pids;
    }

    private static void signal(String signal, List<Long> pids) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(pid -> command.add(Long.toString(pid)));
        assertThat(new ProcessBuilder(command).inheritIO().start().waitFor()).as(String.join(" ", command)).isZero();
    }
}
