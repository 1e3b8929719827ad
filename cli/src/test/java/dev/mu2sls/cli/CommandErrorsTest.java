package dev.mu2sls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 19 item 12: a command that fails says what in one line and exits non-zero; stack traces only with --verbose. */
class CommandErrorsTest {
    @TempDir
    Path directory;

    private record Run(int exitCode, List<String> errors) {}

    private static Run run(String... args) {
        PrintStream originalErr = System.err;
        PrintStream originalOut = System.out;
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Run(code, errors.toString(StandardCharsets.UTF_8).lines().toList());
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "demo --crash-rate 2                                 | probabilities from 0 to 1: got 2.0",
                "demo --seconds -1                                   | --seconds must be positive: got -1.0",
                "up nosuchapp                                        | nosuchapp",
                "down --state-dir /nonexistent/mu2sls                | no application is up from /nonexistent/mu2sls",
                "bench --config nonsense                             | nonsense",
                "bench-http --gateway http://127.0.0.1:1 --seconds 1 | connection refused",
                "up counter --port 99999                             | gateway port must be 0 to 65535: got 99999",
            })
    void failingCommand_oneClearLine_nonZeroExit(String command, String message) {
        Run run = run(command.split(" "));

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.errors()).as("stderr").hasSize(1);
        assertThat(run.errors().getFirst())
                .startsWith("mu2sls " + command.split(" ")[0] + ": ")
                .contains(message);
    }

    @Test
    void demo_storeDirOfAnotherProgram_refusedAndLeftAlone() throws Exception {
        Files.writeString(directory.resolve("thesis.tex"), "\\documentclass{article}");

        Run run = run("demo", "--seconds", "1", "--store", "rocksdb", "--store-dir", directory.toString());

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.errors())
                .containsExactly(
                        "mu2sls demo: --store-dir " + directory + " is not empty and holds no mu2sls stores (no "
                                + StoreOptions.MARKER + "); give a new or empty directory");
        try (var files = Files.list(directory)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactly("thesis.tex");
        }
    }

    @Test
    void verbose_addsTheStackTrace() {
        Run run = run("demo", "--seconds", "-1", "--verbose");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.errors().getFirst()).isEqualTo("mu2sls demo: --seconds must be positive: got -1.0");
        assertThat(run.errors()).anyMatch(line -> line.startsWith("\tat dev.mu2sls.cli.DemoCommand.call"));
    }

    @Test
    void invoke_deadGateway_failsFastNamingIt() {
        Run run = run("invoke", "--gateway", "http://127.0.0.1:1", "Counter", "add", "[\"k\", 1]");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errors())
                .containsExactly("mu2sls invoke: cannot reach the gateway at http://127.0.0.1:1: connection refused: "
                        + "nothing answers there (is the application up? start it with ./mu2sls up <app>)");
    }
}
