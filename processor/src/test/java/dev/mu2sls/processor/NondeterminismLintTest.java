package dev.mu2sls.processor;

import static dev.mu2sls.processor.TestCompilations.assertClean;
import static dev.mu2sls.processor.TestCompilations.assertError;
import static dev.mu2sls.processor.TestCompilations.assertSingleError;
import static dev.mu2sls.processor.TestCompilations.compile;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.CompilationSubject;
import org.junit.jupiter.api.Test;

/** The compile-time lint for calls whose result changes when a request is re-executed. */
class NondeterminismLintTest {

    /** A service {@code Counter} in package {@code test} with {@code body} as its members. */
    private static String counter(String body) {
        return """
                package test;

                import dev.mu2sls.*;
                import java.util.*;
                import java.util.concurrent.*;

                @Service
                public class Counter {
                    public Counter() {}

                %s
                }
                """.formatted(body.indent(4));
    }

    @Test
    void randomUuid_inOperation_failsSuggestingDeterministicUuid() {
        String source = counter("""
                public String add(String key) {
                    return key + UUID.randomUUID();
                }""");

        Compilation compilation = compile(source);

        assertSingleError(
                compilation,
                "Counter.add calls java.util.UUID.randomUUID(), which returns a different "
                        + "value when the request is re-executed; use Deterministic.uuid()");
        CompilationSubject.assertThat(compilation)
                .hadErrorContaining("randomUUID")
                .inFile(TestCompilations.source(source))
                .onLineContaining("public String add(String key)");
    }

    @Test
    void currentTimeMillis_failsSuggestingDeterministicNow() {
        Compilation compilation = compile(counter("""
                public long stamp() {
                    return System.currentTimeMillis();
                }"""));

        assertSingleError(
                compilation,
                "Counter.stamp calls java.lang.System.currentTimeMillis(), which returns a "
                        + "different value when the request is re-executed; use Deterministic.now() / "
                        + "Deterministic.currentTimeMillis()");
    }

    @Test
    void clockReads_nanoTimeAndNowAndSystemClock_eachFail() {
        Compilation compilation = compile(counter("""
                public long a() { return System.nanoTime(); }
                public String b() { return java.time.Instant.now().toString(); }
                public String c() { return java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString(); }
                public String d() { return java.time.Clock.systemUTC().toString(); }
                public String e() { return java.time.ZonedDateTime.now().toString(); }"""));

        assertThat(TestCompilations.errors(compilation)).hasSize(5);
        assertError(compilation, "Counter.a calls java.lang.System.nanoTime()", "Deterministic.now()");
        assertError(compilation, "Counter.b calls java.time.Instant.now()", "Deterministic.now()");
        assertError(compilation, "Counter.c calls java.time.LocalDate.now(...)", "Deterministic.now()");
        assertError(compilation, "Counter.d calls java.time.Clock.systemUTC()", "Deterministic.now()");
        assertError(compilation, "Counter.e calls java.time.ZonedDateTime.now()", "Deterministic.now()");
    }

    @Test
    void nowWithExplicitClock_isNotReported() {
        Compilation compilation = compile(counter("""
                public String at(long millis) {
                    java.time.Clock fixed = java.time.Clock.fixed(java.time.Instant.ofEpochMilli(millis),
                            java.time.ZoneOffset.UTC);
                    return java.time.LocalDateTime.now(fixed).toString();
                }"""));

        assertClean(compilation);
    }

    @Test
    void newRandom_failsSuggestingDeterministicRandom() {
        Compilation compilation = compile(counter("""
                public int roll() {
                    return new Random().nextInt(6);
                }"""));

        assertSingleError(
                compilation,
                "Counter.roll calls new java.util.Random(), which returns a different value "
                        + "when the request is re-executed; use Deterministic.random()");
    }

    @Test
    void mathRandom_failsSuggestingDeterministicRandom() {
        Compilation compilation = compile(counter("""
                public double roll() {
                    return Math.random();
                }"""));

        assertSingleError(
                compilation,
                "Counter.roll calls java.lang.Math.random(), which returns a different value "
                        + "when the request is re-executed; use Deterministic.random()");
    }

    @Test
    void otherRandomSources_secureRandomAndThreadLocalRandom_fail() {
        Compilation compilation = compile(counter("""
                public int a() { return new java.security.SecureRandom().nextInt(); }
                public int b() { return ThreadLocalRandom.current().nextInt(); }
                public int c() { return new SplittableRandom().nextInt(); }
                public int seeded(long seed) { return new SplittableRandom(seed).nextInt(); }"""));

        assertThat(TestCompilations.errors(compilation)).hasSize(3);
        assertError(compilation, "Counter.a calls new java.security.SecureRandom()", "Deterministic.random()");
        assertError(
                compilation,
                "Counter.b calls java.util.concurrent.ThreadLocalRandom.current()",
                "Deterministic.random()");
        assertError(compilation, "Counter.c calls new java.util.SplittableRandom()", "Deterministic.random()");
    }

    @Test
    void newThread_failsSuggestingAsyncClient() {
        Compilation compilation = compile(counter("""
                public void work() {
                    new Thread(() -> {}).start();
                }"""));

        assertSingleError(
                compilation,
                "Counter.work calls new java.lang.Thread(...), which runs work outside the " + "request's journal",
                "use the generated client's async() and DurableFuture");
    }

    @Test
    void concurrency_executorsVirtualThreadsAndAsyncFutures_fail() {
        Compilation compilation = compile(counter("""
                public void a() { Executors.newFixedThreadPool(2).shutdown(); }
                public void b() { Thread.ofVirtual().start(() -> {}); }
                public void c() { CompletableFuture.supplyAsync(() -> 1).join(); }
                public void d() { new Thread() { @Override public void run() {} }.start(); }"""));

        assertThat(TestCompilations.errors(compilation)).hasSize(4);
        assertError(
                compilation,
                "Counter.a calls java.util.concurrent.Executors.newFixedThreadPool(...)",
                "async() and DurableFuture");
        assertError(compilation, "Counter.b calls java.lang.Thread.ofVirtual()", "async() and DurableFuture");
        assertError(
                compilation,
                "Counter.c calls java.util.concurrent.CompletableFuture.supplyAsync(...)",
                "async() and DurableFuture");
        assertError(compilation, "Counter.d calls new java.lang.Thread()", "async() and DurableFuture");
    }

    @Test
    void lint_reachesConstructorsFieldsInitializersLambdasAndNestedClasses() {
        Compilation compilation = compile("""
                package test;

                import java.util.UUID;
                import java.util.function.Supplier;

                @dev.mu2sls.Service
                public class Counter {
                    private final long created = System.currentTimeMillis();
                    private static final Supplier<UUID> IDS = UUID::randomUUID;

                    static {
                        System.out.println(Math.random());
                    }

                    public Counter() {
                        System.out.println(UUID.randomUUID());
                    }

                    public long lambda() {
                        Supplier<Long> clock = () -> System.nanoTime();
                        return clock.get() + created + IDS.hashCode();
                    }

                    static final class Helper {
                        double roll() {
                            return new java.util.Random(7).nextDouble();
                        }
                    }
                }
                """);

        assertThat(TestCompilations.errors(compilation)).hasSize(6);
        assertError(compilation, "Counter field 'created' calls java.lang.System.currentTimeMillis()");
        assertError(compilation, "Counter field 'IDS' calls java.util.UUID::randomUUID", "Deterministic.uuid()");
        assertError(compilation, "Counter initializer calls java.lang.Math.random()");
        assertError(compilation, "Counter constructor calls java.util.UUID.randomUUID()");
        assertError(compilation, "Counter.lambda calls java.lang.System.nanoTime()");
        assertError(compilation, "Counter.Helper.roll calls new java.util.Random(...)");
    }

    @Test
    void allowNondeterminism_onMethodFieldOrConstructor_suppressesTheLint() {
        Compilation compilation = compile(counter("""
                @AllowNondeterminism("only logged")
                private final long created = System.currentTimeMillis();

                @AllowNondeterminism("log correlation id, not part of the response")
                public void log(String message) {
                    System.out.println(UUID.randomUUID() + " " + message + " " + created);
                }

                @AllowNondeterminism("debug helper")
                static final class Debug {
                    static double noise() {
                        return Math.random();
                    }
                }"""));

        assertClean(compilation);
    }

    @Test
    void allowNondeterminism_onTheClass_suppressesEverything() {
        Compilation compilation = compile("""
                package test;

                @dev.mu2sls.Service
                @dev.mu2sls.AllowNondeterminism("a test double")
                public class Clock {
                    private static long calls;

                    public long now() {
                        calls++;
                        return System.currentTimeMillis();
                    }
                }
                """);

        assertClean(compilation);
    }

    @Test
    void lintError_generatesNothingAndReportsOnlyTheLint() {
        Compilation compilation = compile(counter("""
                public String id() {
                    return UUID.randomUUID().toString();
                }"""), ServiceGenerationTest.GREETER);

        assertSingleError(compilation, "Counter.id calls java.util.UUID.randomUUID()");
    }

    @Test
    void deterministicApi_isAccepted() {
        Compilation compilation = compile(counter("""
                public String id() {
                    return Deterministic.uuid() + "@" + Deterministic.now() + "#" + Deterministic.random().nextInt();
                }"""));

        assertClean(compilation);
    }

    @Test
    void spiTypeUsedInOperation_failsNamingTheMethodAndTheFix() {
        String source = counter("""
                public String context() {
                    return String.valueOf(dev.mu2sls.spi.Contexts.class);
                }""");

        Compilation compilation = compile(source);

        assertSingleError(
                compilation,
                "Counter.context uses dev.mu2sls.spi.Contexts, part of dev.mu2sls.spi, the runtime's "
                        + "interface to generated code, which service code must not touch; use the dev.mu2sls API instead");
        CompilationSubject.assertThat(compilation)
                .hadErrorContaining("dev.mu2sls.spi.Contexts")
                .inFile(TestCompilations.source(source))
                .onLineContaining("public String context()");
    }

    @Test
    void spiTypeAsFieldType_failsNamingTheField() {
        assertSingleError(
                compile(counter("private dev.mu2sls.spi.Codec codec;")),
                "Counter field 'codec' uses dev.mu2sls.spi.Codec");
    }
}
