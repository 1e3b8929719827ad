package dev.mu2sls.processor;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;

/**
 * The class output of a compile-testing compilation (class files and resources such as
 * {@code META-INF/services}), laid out in a directory and loaded with the test class path as parent.
 */
final class CompiledClasses extends URLClassLoader {
    private static final String OUTPUT = "CLASS_OUTPUT/";

    private CompiledClasses(URL root) {
        super(new URL[] {root}, CompiledClasses.class.getClassLoader());
    }

    static CompiledClasses of(Compilation compilation, Path directory) {
        for (JavaFileObject file : compilation.generatedFiles()) {
            String path = file.toUri().getPath();
            int start = path.indexOf(OUTPUT);
            if (start < 0) {
                continue; // a generated source
            }
            Path target = directory.resolve(path.substring(start + OUTPUT.length()));
            try (InputStream in = file.openInputStream()) {
                Files.createDirectories(target.getParent());
                Files.write(target, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try {
            return new CompiledClasses(directory.toUri().toURL());
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Loads and instantiates {@code name} through its public no-arg constructor. */
    <T> T newInstance(String name, Class<T> as) throws ReflectiveOperationException {
        return as.cast(loadClass(name).getConstructor().newInstance());
    }
}
