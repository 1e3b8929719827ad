package dev.mu2sls.processor;

import static dev.mu2sls.processor.TestCompilations.OPTIONS;
import static dev.mu2sls.processor.TestCompilations.describe;
import static dev.mu2sls.processor.TestCompilations.source;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The processor among other processors, other compilers, and on disk. */
class ProcessorEnvironmentTest {

    static final String NONDETERMINISTIC = """
            package test;

            @dev.mu2sls.Service
            public class Ids {
                public String next() {
                    return java.util.UUID.randomUUID().toString();
                }
            }
            """;

    /** Generates {@code test.Money} in the first round, as another processor (e.g. a record builder) would. */
    static final class MoneyProcessor extends AbstractProcessor {
        private boolean done;

        @Override
        public Set<String> getSupportedAnnotationTypes() {
            return Set.of("*");
        }

        @Override
        public SourceVersion getSupportedSourceVersion() {
            return SourceVersion.latestSupported();
        }

        @Override
        public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
            if (!done) {
                done = true;
                try (Writer out =
                        processingEnv.getFiler().createSourceFile("test.Money").openWriter()) {
                    out.write("package test;\n\npublic record Money(long cents, String currency) {}\n");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return false;
        }
    }

    /** Runs {@link ServiceProcessor} on a processing environment that is not javac's own. */
    static final class WrappedEnvironmentProcessor extends AbstractProcessor {
        private final ServiceProcessor delegate = new ServiceProcessor();

        @Override
        public Set<String> getSupportedAnnotationTypes() {
            return delegate.getSupportedAnnotationTypes();
        }

        @Override
        public SourceVersion getSupportedSourceVersion() {
            return delegate.getSupportedSourceVersion();
        }

        @Override
        public synchronized void init(ProcessingEnvironment env) {
            super.init(env);
            InvocationHandler forward = (proxy, method, args) -> {
                try {
                    return method.invoke(env, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            };
            delegate.init((ProcessingEnvironment) Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {ProcessingEnvironment.class}, forward));
        }

        @Override
        public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
            return delegate.process(annotations, round);
        }
    }

    @Test
    void compile_signatureUsesTypeGeneratedByAnotherProcessor_defersAndGenerates() {
        Compilation compilation = Compiler.javac()
                .withProcessors(new MoneyProcessor(), new ServiceProcessor())
                .withOptions(OPTIONS)
                .compile(source("""
                        package test;

                        import java.util.List;

                        @dev.mu2sls.Service
                        public class Shop {
                            public Money price(String item) {
                                return new Money(100, "EUR");
                            }

                            public List<Money> history() {
                                return List.of();
                            }
                        }
                        """));

        TestCompilations.assertClean(compilation);
        assertThat(TestCompilations.generatedSource(compilation, "test.ShopClient"))
                .contains("public Money price(String item)", "Money.class", "new TypeRef<List<Money>>() {}.type()");
    }

    @Test
    void compile_withoutCompilerTrees_skipsTheLintWithANote() {
        Compilation compilation = Compiler.javac()
                .withProcessors(new WrappedEnvironmentProcessor())
                .withOptions(OPTIONS)
                .compile(source(NONDETERMINISTIC));

        assertThat(compilation.status()).as(describe(compilation)).isEqualTo(Compilation.Status.SUCCESS);
        assertThat(compilation.notes())
                .extracting(n -> n.getMessage(Locale.ROOT))
                .anySatisfy(note -> assertThat(note).contains("not checked for nondeterministic calls"));
        assertThat(compilation.generatedSourceFile("test.IdsDispatcher")).isPresent();
    }

    @Test
    void javac_serviceWithErrors_generatesNothingForItButStillForValidServices(@TempDir Path dir) throws IOException {
        Path sources = Files.createDirectories(dir.resolve("src/test"));
        Files.writeString(sources.resolve("Ids.java"), NONDETERMINISTIC);
        Files.writeString(sources.resolve("Counter.java"), ServiceGenerationTest.COUNTER);
        Path generated = Files.createDirectories(dir.resolve("generated"));
        Path classes = Files.createDirectories(dir.resolve("classes"));

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        boolean ok;
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<String> options = new ArrayList<>(OPTIONS);
            options.addAll(List.of(
                    "-s",
                    generated.toString(),
                    "-d",
                    classes.toString(),
                    "-classpath",
                    System.getProperty("java.class.path")));
            JavaCompiler.CompilationTask task = javac.getTask(
                    null,
                    files,
                    diagnostics,
                    options,
                    null,
                    files.getJavaFileObjects(sources.resolve("Ids.java"), sources.resolve("Counter.java")));
            task.setProcessors(List.of(new ServiceProcessor()));
            ok = task.call();
        }

        assertThat(ok).isFalse();
        assertThat(diagnostics.getDiagnostics())
                .filteredOn(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .extracting(d -> d.getMessage(Locale.ROOT))
                .singleElement()
                .asString()
                .contains("Ids.next calls java.util.UUID.randomUUID()");
        try (Stream<Path> files = Files.walk(generated)) {
            assertThat(files.filter(Files::isRegularFile)
                            .map(p -> generated.relativize(p).toString().replace('\\', '/')))
                    .containsExactlyInAnyOrder("test/CounterClient.java", "test/CounterDispatcher.java");
        }
    }
}
