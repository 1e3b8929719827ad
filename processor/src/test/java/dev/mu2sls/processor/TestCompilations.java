package dev.mu2sls.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;

/** Real javac compilations with the processor, using the flags of the project's modules. */
final class TestCompilations {
    /** The parent POM's lint flags, without -Werror so warnings can be inspected. */
    static final List<String> OPTIONS = List.of("-Xlint:all,-processing,-this-escape,-serial", "-parameters");

    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern TYPE = Pattern.compile(
            "^(?:public\\s+|final\\s+|abstract\\s+)*(?:class|record|enum|interface)\\s+(\\w+)", Pattern.MULTILINE);

    private TestCompilations() {}

    /** A source file; its name is taken from the package and the first top-level type. */
    static JavaFileObject source(String code) {
        Matcher pkg = PACKAGE.matcher(code);
        Matcher type = TYPE.matcher(code);
        if (!type.find()) {
            throw new IllegalArgumentException("no top-level type in\n" + code);
        }
        String name = (pkg.find() ? pkg.group(1) + "." : "") + type.group(1);
        return JavaFileObjects.forSourceString(name, code);
    }

    static Compilation compile(String... sources) {
        return compile(OPTIONS, sources);
    }

    static Compilation compile(List<String> options, String... sources) {
        JavaFileObject[] files = new JavaFileObject[sources.length];
        for (int i = 0; i < sources.length; i++) {
            files[i] = source(sources[i]);
        }
        return Compiler.javac()
                .withProcessors(new ServiceProcessor())
                .withOptions(options)
                .compile(files);
    }

    static List<String> errors(Compilation compilation) {
        return messages(compilation.errors());
    }

    static List<String> warnings(Compilation compilation) {
        return messages(compilation.warnings());
    }

    private static List<String> messages(List<Diagnostic<? extends JavaFileObject>> diagnostics) {
        return diagnostics.stream().map(d -> d.getMessage(Locale.ROOT)).toList();
    }

    /** Asserts the compilation failed with exactly one error containing every fragment. */
    static void assertSingleError(Compilation compilation, String... fragments) {
        assertThat(compilation.status()).as(describe(compilation)).isEqualTo(Compilation.Status.FAILURE);
        List<String> errors = errors(compilation);
        assertThat(errors).as(describe(compilation)).hasSize(1);
        assertThat(errors.get(0)).contains(fragments);
    }

    /** Asserts the compilation failed and some error contains every fragment. */
    static void assertError(Compilation compilation, String... fragments) {
        assertThat(compilation.status()).as(describe(compilation)).isEqualTo(Compilation.Status.FAILURE);
        assertThat(errors(compilation)).as(describe(compilation)).anySatisfy(error -> assertThat(error)
                .contains(fragments));
    }

    /** Asserts success without any warning or error. */
    static void assertClean(Compilation compilation) {
        assertThat(compilation.status()).as(describe(compilation)).isEqualTo(Compilation.Status.SUCCESS);
        assertThat(compilation.warnings()).as(describe(compilation)).isEmpty();
    }

    static String generatedSource(Compilation compilation, String qualifiedName) {
        JavaFileObject file = compilation
                .generatedSourceFile(qualifiedName)
                .orElseThrow(() ->
                        new AssertionError("no generated source " + qualifiedName + "\n" + describe(compilation)));
        return contents(file);
    }

    static String servicesFile(Compilation compilation) {
        JavaFileObject file = compilation
                .generatedFile(StandardLocation.CLASS_OUTPUT, ServiceProcessor.SERVICES_FILE)
                .orElseThrow(() -> new AssertionError("no services file\n" + describe(compilation)));
        return contents(file);
    }

    static String contents(JavaFileObject file) {
        try {
            return file.getCharContent(true).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** All diagnostics and generated sources, for assertion messages. */
    static String describe(Compilation compilation) {
        StringBuilder out =
                new StringBuilder("compilation ").append(compilation.status()).append('\n');
        for (Diagnostic<? extends JavaFileObject> d : compilation.diagnostics()) {
            out.append(d.getKind())
                    .append(": ")
                    .append(d.getMessage(Locale.ROOT))
                    .append('\n');
        }
        if (compilation.status() != Compilation.Status.SUCCESS) {
            return out.toString(); // compile-testing keeps no generated files of a failed compilation
        }
        for (JavaFileObject file : compilation.generatedSourceFiles()) {
            out.append("---- ").append(file.getName()).append('\n').append(contents(file));
        }
        return out.toString();
    }
}
