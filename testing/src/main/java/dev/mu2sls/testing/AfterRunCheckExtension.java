package dev.mu2sls.testing;

import dev.mu2sls.simulator.AfterRunCheck;
import dev.mu2sls.simulator.SimulatorWatch;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The check after every engine test (Caffeine's validation listener, OkHttp's test rule): when
 * a test ends, every {@link dev.mu2sls.simulator.Simulator} it built has left nothing behind
 * ({@link AfterRunCheck}: no journal, running request, acceptance record, pending transaction or
 * provisional record; duplicates answered alike; no exception escaped a background delivery),
 * no thread it started is still alive, and no thread died of an uncaught exception. A test
 * fails with one {@link AssertionError} listing every problem. Opt out with
 * {@link SkipAfterRunCheck}.
 *
 * <p>Registered for JUnit's extension auto-detection ({@code META-INF/services}); a module turns
 * it on for all its tests with {@code junit.jupiter.extensions.autodetection.enabled=true} in
 * {@code src/test/resources/junit-platform.properties}, or per class with
 * {@code @ExtendWith(AfterRunCheckExtension.class)}.
 *
 * <h2>Thread safety</h2>
 * Assumes tests of one JVM run one at a time (JUnit's default): the uncaught-exception handler
 * and the thread snapshot are process-wide.
 */
public final class AfterRunCheckExtension implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(AfterRunCheckExtension.class);
    /** Threads the JVM and JUnit start and keep for the whole process: not the test's to stop. */
    private static final Pattern JVM_THREADS = Pattern.compile(
            "ForkJoinPool.*|Common-Cleaner|process reaper|Attach Listener|Signal Dispatcher|Reference Handler|Finalizer"
                    + "|Notification Thread|VirtualThread-.*|MasterPoller|Read-Poller|Write-Poller|junit-.*|surefire-.*");

    private static final long THREAD_GRACE_MILLIS = 5_000;

    /** JUnit instantiates it. */
    public AfterRunCheckExtension() {}

    private record Watch(
            SimulatorWatch simulators,
            Set<Thread> threadsBefore,
            Thread.UncaughtExceptionHandler previousHandler,
            List<String> uncaught) {}

    @Override
    public void beforeEach(ExtensionContext context) {
        if (skipped(context)) {
            return;
        }
        List<String> uncaught = new CopyOnWriteArrayList<>();
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
            uncaught.add("thread " + thread.getName() + " died of " + failure);
            if (previous != null) {
                previous.uncaughtException(thread, failure);
            }
        });
        context.getStore(NAMESPACE)
                .put(
                        Watch.class,
                        new Watch(
                                SimulatorWatch.open(),
                                Thread.getAllStackTraces().keySet(),
                                previous,
                                uncaught));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Watch watch = context.getStore(NAMESPACE).remove(Watch.class, Watch.class);
        if (watch == null) {
            return;
        }
        List<String> problems = new ArrayList<>(watch.simulators().finish());
        Thread.setDefaultUncaughtExceptionHandler(watch.previousHandler());
        problems.addAll(watch.uncaught());
        List<Thread> leaked = leakedThreads(watch.threadsBefore());
        if (!leaked.isEmpty()) {
            problems.add(leaked.size() + " threads started by the test still alive "
                    + THREAD_GRACE_MILLIS / 1000 + " s after it: "
                    + leaked.stream().map(Thread::getName).collect(Collectors.joining(", "))
                    + " (stop them or close what owns them)");
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(
                    context.getDisplayName() + " left things behind (opt out with @SkipAfterRunCheck(\"why\")):\n  - "
                            + String.join("\n  - ", problems));
        }
    }

    private static List<Thread> leakedThreads(Set<Thread> before) {
        long deadline = System.currentTimeMillis() + THREAD_GRACE_MILLIS;
        List<Thread> leaked = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (before.contains(thread) || JVM_THREADS.matcher(thread.getName()).matches()) {
                continue;
            }
            try {
                thread.join(Math.max(1, deadline - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (thread.isAlive()) {
                leaked.add(thread);
            }
        }
        return leaked;
    }

    private static boolean skipped(ExtensionContext context) {
        if (context.getTestMethod().map(AfterRunCheckExtension::optedOut).orElse(false)) {
            return true;
        }
        // A @Nested (inner) class inherits its outer class's opt-out; a static nested class is a test class of its own.
        for (Class<?> type = context.getRequiredTestClass();
                type != null;
                type = Modifier.isStatic(type.getModifiers()) ? null : type.getEnclosingClass()) {
            if (optedOut(type)) {
                return true;
            }
        }
        return false;
    }

    private static boolean optedOut(AnnotatedElement element) {
        return element.isAnnotationPresent(SkipAfterRunCheck.class);
    }
}
