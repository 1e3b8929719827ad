package dev.mu2sls.apidump;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API of the module under test, checked in as {@code api/api.txt} (OkHttp's way): one
 * line per public type and per public or protected member, generated from the compiled classes
 * in {@code target/classes}. The test fails when the compiled API differs from the file, so that
 * every API change is reviewed in the file's diff. Run with {@code -Dmu2sls.api.update=true} to
 * rewrite the file after an intended change (CONTRIBUTING.md).
 *
 * <p>Each module extends it with an empty {@code ApiDumpTest} (from {@code mu2sls-api}'s test jar).
 */
public abstract class ApiDumpCheck {
    /** System property that rewrites the dump instead of comparing with it. */
    public static final String UPDATE_PROPERTY = "mu2sls.api.update";

    private static final Path CLASSES = Path.of("target", "classes");
    private static final Path DUMP = Path.of("api", "api.txt");

    @Test
    void publicApi_matchesCheckedInDump() throws IOException {
        String actual = dump();
        if (Boolean.getBoolean(UPDATE_PROPERTY)) {
            Files.createDirectories(DUMP.getParent());
            Files.writeString(DUMP, actual, StandardCharsets.UTF_8);
            return;
        }
        String expected = Files.exists(DUMP) ? Files.readString(DUMP, StandardCharsets.UTF_8) : "";
        if (!expected.equals(actual)) {
            fail("the public API changed without " + DUMP.toAbsolutePath() + " being updated:\n"
                    + difference(expected, actual) + "review the change, then run this test with -D" + UPDATE_PROPERTY
                    + "=true and commit the file with it");
        }
    }

    /** The lines only in {@code actual} (+) and only in {@code expected} (-). */
    private static String difference(String expected, String actual) {
        List<String> before = expected.lines().toList();
        List<String> after = actual.lines().toList();
        StringBuilder out = new StringBuilder();
        after.stream()
                .filter(line -> !before.contains(line))
                .forEach(line -> out.append("+ ").append(line.strip()).append('\n'));
        before.stream()
                .filter(line -> !after.contains(line))
                .forEach(line -> out.append("- ").append(line.strip()).append('\n'));
        return out.toString();
    }

    private String dump() throws IOException {
        List<String> names;
        try (Stream<Path> files = Files.walk(CLASSES)) {
            names = files.map(CLASSES::relativize)
                    .map(Path::toString)
                    .filter(p -> p.endsWith(".class"))
                    .filter(p -> !p.endsWith("module-info.class") && !p.endsWith("package-info.class"))
                    .map(p -> p.substring(0, p.length() - ".class".length())
                            .replace('/', '.')
                            .replace('\\', '.'))
                    .sorted()
                    .toList();
        }
        StringBuilder out = new StringBuilder();
        for (String name : names) {
            Class<?> type = load(name);
            if (!visible(type)) {
                continue;
            }
            out.append(type.toGenericString()).append(interfaces(type)).append('\n');
            List<String> members = new ArrayList<>();
            for (Field field : type.getDeclaredFields()) {
                if (exported(field)) {
                    members.add(field.toGenericString());
                }
            }
            for (Executable executable : type.getDeclaredConstructors()) {
                if (exported(executable)) {
                    members.add(executable.toGenericString());
                }
            }
            for (Method method : type.getDeclaredMethods()) {
                if (exported(method) && !method.isBridge()) {
                    members.add(method.toGenericString());
                }
            }
            members.stream()
                    .sorted()
                    .forEach(member -> out.append("  ").append(member).append('\n'));
        }
        return out.toString();
    }

    private Class<?> load(String name) {
        try {
            return Class.forName(name, false, getClass().getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("compiled class not on the test class path: " + name, e);
        }
    }

    private static String interfaces(Class<?> type) {
        StringBuilder out = new StringBuilder();
        if (type.getGenericSuperclass() != null
                && type.getSuperclass() != Object.class
                && !type.isEnum()
                && !type.isRecord()) {
            out.append(" extends ").append(type.getGenericSuperclass().getTypeName());
        }
        if (type.getGenericInterfaces().length > 0) {
            out.append(type.isInterface() ? " extends " : " implements ");
            out.append(String.join(
                    ", ",
                    Stream.of(type.getGenericInterfaces())
                            .map(t -> t.getTypeName())
                            .toList()));
        }
        return out.toString();
    }

    /** A public type reachable from outside: public, and every enclosing type public too. */
    private static boolean visible(Class<?> type) {
        if (type.isSynthetic() || type.isAnonymousClass() || type.isLocalClass()) {
            return false;
        }
        for (Class<?> t = type; t != null; t = t.getEnclosingClass()) {
            if (!Modifier.isPublic(t.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static boolean exported(Member member) {
        int modifiers = member.getModifiers();
        return !member.isSynthetic() && (Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers));
    }
}
