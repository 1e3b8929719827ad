package dev.mu2sls.processor;

import static dev.mu2sls.processor.TestCompilations.assertClean;
import static dev.mu2sls.processor.TestCompilations.assertError;
import static dev.mu2sls.processor.TestCompilations.assertSingleError;
import static dev.mu2sls.processor.TestCompilations.compile;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.testing.compile.Compilation;
import org.junit.jupiter.api.Test;

/** The compile-time lint for I/O and sleeping in service code outside an effect (issue 15). */
class IoLintTest {
    private static final String FIX = "wrap it in Effects.run(\"name\", Result.class, () -> ...)";

    /** A service {@code Payments} in package {@code test} with {@code body} as its members. */
    private static String payments(String body) {
        return """
                package test;

                import dev.mu2sls.*;
                import java.net.URI;
                import java.net.http.*;
                import java.nio.file.*;
                import java.sql.*;

                @Service
                public class Payments {
                    public Payments() {}

                %s
                }
                """.formatted(body.indent(4));
    }

    @Test
    void httpClient_outsideAnEffect_failsNamingEffectsRun() {
        Compilation compilation = compile(payments("""
                public String charge(String card) throws Exception {
                    HttpClient client = HttpClient.newHttpClient();
                    return client.send(HttpRequest.newBuilder(URI.create("http://pay/" + card)).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                }"""));

        // one error for the method, at its first I/O call, not one per call of the client's chain
        assertSingleError(
                compilation,
                "Payments.charge calls java.net.http.HttpClient.newHttpClient(), which does I/O "
                        + "outside the request's journal, so a re-execution repeats it",
                FIX,
                "Effects.idempotencyKey()");
    }

    @Test
    void socketsAndUrls_fail_butBuildingAUriDoesNot() {
        Compilation compilation = compile(payments("""
                public int ping(String host) throws Exception {
                    try (java.net.Socket socket = new java.net.Socket(host, 80)) {
                        return socket.getPort() + URI.create("http://" + host).getPort();
                    }
                }"""));

        assertSingleError(compilation, "Payments.ping calls new java.net.Socket(...)", FIX);
    }

    @Test
    void exceptionsOfIoPackages_andUris_areNotIo() {
        Compilation compilation = compile(payments("""
                public String check(String url) {
                    try {
                        return new URI(url).getHost();
                    } catch (java.net.URISyntaxException e) {
                        return "malformed: " + e.getMessage() + new SQLException("x").getSQLState();
                    }
                }"""));

        assertClean(compilation);
    }

    @Test
    void jdbc_outsideAnEffect_fails() {
        Compilation compilation = compile(payments("""
                public int count(String url) throws Exception {
                    try (Connection connection = DriverManager.getConnection(url)) {
                        return connection.createStatement().executeUpdate("delete from t");
                    }
                }"""));

        assertSingleError(compilation, "Payments.count calls java.sql.DriverManager.getConnection(...)", FIX);
    }

    @Test
    void files_outsideAnEffect_fail_butPathsDoNot() {
        Compilation compilation = compile(payments("""
                public String read(String name) throws Exception {
                    return Files.readString(Path.of("/tmp", name));
                }"""));

        assertSingleError(compilation, "Payments.read calls java.nio.file.Files.readString(...), which does I/O", FIX);
    }

    @Test
    void threadSleep_failsSayingDurableSleepIsComing() {
        Compilation compilation = compile(payments("""
                public void pause() throws InterruptedException {
                    Thread.sleep(1000);
                    java.util.concurrent.TimeUnit.SECONDS.sleep(1);
                }"""));

        assertThat(TestCompilations.errors(compilation)).hasSize(2);
        assertError(
                compilation,
                "Payments.pause calls java.lang.Thread.sleep(...), which blocks the handler and is not " + "durable",
                "durable sleep",
                "is coming",
                "RetryPolicy with a backoff");
        assertError(compilation, "Payments.pause calls java.util.concurrent.TimeUnit.sleep(...)", "durable sleep");
    }

    @Test
    void ioInsideAnEffectBody_lambdaOrMethodReference_isAllowed() {
        Compilation compilation = compile(payments("""
                public String charge(String card) {
                    return Effects.run("charge", String.class, () -> {
                        HttpClient client = HttpClient.newHttpClient();
                        Thread.sleep(10);
                        return client.send(HttpRequest.newBuilder(URI.create("http://pay/" + card))
                                .header("Idempotency-Key", Effects.idempotencyKey()).build(),
                                HttpResponse.BodyHandlers.ofString()).body();
                    });
                }

                public void log(String line) {
                    Effects.run("log", RetryPolicy.noRetries(), () -> Files.writeString(Path.of("/tmp/log"), line));
                }

                public long size() {
                    return Effects.run("size", Long.class, this::fileSize);
                }

                @AllowNondeterminism("only ever called inside Effects.run")
                private long fileSize() throws java.io.IOException {
                    return Files.size(Path.of("/tmp/log"));
                }"""));

        assertClean(compilation);
    }

    @Test
    void ioNextToAnEffect_isStillReported() {
        Compilation compilation = compile(payments("""
                public String charge(String card) throws Exception {
                    String receipt = Effects.run("charge", String.class, () -> Files.readString(Path.of(card)));
                    return receipt + Files.readString(Path.of(card));
                }"""));

        assertSingleError(compilation, "Payments.charge calls java.nio.file.Files.readString(...)", FIX);
    }
}
