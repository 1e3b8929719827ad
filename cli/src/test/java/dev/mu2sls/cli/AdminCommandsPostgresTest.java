package dev.mu2sls.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.core.Engine;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.platform.local.Apps;
import dev.mu2sls.platform.local.LocalPlatform;
import dev.mu2sls.store.postgres.LocalPostgres;
import dev.mu2sls.store.postgres.PostgresStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 item 4 on PostgreSQL, found as {@code up} leaves it: the state directory names the
 * store and table, and the password of the PostgreSQL up started is in its owner-only file.
 */
@Tag("slow")
class AdminCommandsPostgresTest {
    private static final String TABLE = "mu2sls_admin";

    @TempDir
    static Path stateDirectory;

    private static LocalPostgres postgres;
    private static String password;

    @BeforeAll
    static void recordRequests() throws Exception {
        postgres = LocalPostgres.start(null);
        password = postgres.requirePassword();
        try (PostgresStore store = PostgresStore.open(postgres.jdbcUrl(), "postgres", password, 2, TABLE)) {
            RecordedRequests.record(store);
        }
        Files.writeString(
                LocalPlatform.stateFile(stateDirectory),
                "{\"pid\": 1, \"store\": \"" + postgres.jdbcUrl() + "\", \"table\": \"" + TABLE + "\"}");
        Path passwordFile = LocalPlatform.passwordFile(stateDirectory);
        Files.createFile(
                passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(passwordFile, password + "\n");
    }

    @AfterAll
    static void stopPostgres() {
        postgres.close();
    }

    @Test
    void stateDirectory_namesStoreAndTable_itsPasswordFileIsNeeded(@TempDir Path withoutPassword) throws Exception {
        Files.copy(LocalPlatform.stateFile(stateDirectory), LocalPlatform.stateFile(withoutPassword));
        AdminCommandsTest.Run refused =
                AdminCommandsTest.run("requests", "list", "--state-dir", withoutPassword.toString());
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.errors())
                .as("the command's own lines (the server in this JVM logs too)")
                .filteredOn(line -> !line.contains("EmbeddedPostgres"))
                .singleElement()
                .asString()
                .startsWith("mu2sls requests list: cannot connect to the PostgreSQL store at");

        AdminCommandsTest.Run run = AdminCommandsTest.run("requests", "list", "--state-dir", stateDirectory.toString());
        assertThat(AdminCommandsTest.ids(run))
                .containsSubsequence(
                        RecordedRequests.BOOKING,
                        RecordedRequests.RUNNING,
                        RecordedRequests.QUARANTINED,
                        RecordedRequests.FAILED,
                        RecordedRequests.COMPLETED,
                        "Flight.open:f",
                        "Hotel.open:h");
        assertThat(AdminCommandsTest.run("transactions", "list", "--state-dir", stateDirectory.toString())
                        .lines()
                        .get(1))
                .startsWith(RecordedRequests.BOOKING + "/0");
        assertThat(AdminCommandsTest.run(
                                "state", "get", "Hotel", "rooms", "h", "--state-dir", stateDirectory.toString())
                        .out())
                .isEqualTo("Hotel.rooms[\"h\"] = {\"total\":2,\"booked\":0}\n");
    }

    @Test
    void stuck_aRequestThatCompletesWhileWatched_isNotStuck() throws Exception {
        CountDownLatch watching = new CountDownLatch(1);
        ByteArrayOutputStream errors = new ByteArrayOutputStream() {
            @Override
            public synchronized void write(byte[] bytes, int offset, int length) {
                super.write(bytes, offset, length);
                if (toString(UTF_8).contains("watching")) {
                    watching.countDown();
                }
            }
        };
        CompletableFuture<Void> redriven = CompletableFuture.runAsync(() -> {
            Engine[] engine = new Engine[1];
            try (PostgresStore store = PostgresStore.open(postgres.jdbcUrl(), "postgres", password, 2, TABLE)) {
                engine[0] = Engine.builder()
                        .store(store)
                        .codec(new JsonCodec())
                        .services(Apps.resolve("chain").services())
                        .transport(invocation -> engine[0].invoke(invocation))
                        .build();
                assertThat(watching.await(30, TimeUnit.SECONDS))
                        .as("the command took its first look")
                        .isTrue();
                engine[0].submit(
                        new Invocation(RecordedRequests.ACCEPTED, "Caller1", "add", "[\"k\", 7]".getBytes(UTF_8), 1));
                engine[0].close();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        PrintStream originalErr = System.err;
        PrintStream originalOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(errors, true, UTF_8));
        System.setOut(new PrintStream(out, true, UTF_8));
        int exitCode;
        try {
            exitCode = Main.run(
                    "requests",
                    "list",
                    "--status",
                    "stuck",
                    "--older-than",
                    "3",
                    "--state-dir",
                    stateDirectory.toString());
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
        }
        redriven.join();

        assertThat(errors.toString(UTF_8))
                .as("running requests' records say when they last persisted: only the accepted one is watched")
                .startsWith("watching 1 open request whose records keep no time for 3.0 s");
        AdminCommandsTest.Run run = new AdminCommandsTest.Run(exitCode, out.toString(UTF_8), List.of());
        assertThat(AdminCommandsTest.ids(run))
                .as("re-driven meanwhile: not stuck")
                .containsExactly(RecordedRequests.BOOKING, RecordedRequests.RUNNING, RecordedRequests.QUARANTINED);
    }
}
