package dev.mu2sls.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.core.Engine;
import dev.mu2sls.core.EngineStats;
import dev.mu2sls.core.Inspector;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.RequestSuspendedException;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.platform.local.Examples;
import dev.mu2sls.simulator.SimulatedClock;
import dev.mu2sls.store.Store;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mu2sls bench-sleep}: what durable sleeps cost on the in-process engine. Puts
 * {@code --requests} client requests to sleep at once ({@code Reminders.snooze}, an hour), then
 * measures the heap and threads they hold while asleep (their records in the store, nothing else),
 * the store commits per sleep, and the time for the timer driver to wake them all and complete
 * them once the clock jumps past their due time.
 */
@Command(
        name = "bench-sleep",
        mixinStandardHelpOptions = true,
        description = "Measure durable sleeps: heap and threads per sleeping request, and waking them all.")
final class BenchSleepCommand implements Callable<Integer> {
    @Option(
            names = "--requests",
            defaultValue = "100000",
            description = "requests asleep at once (default: ${DEFAULT-VALUE})")
    int requests;

    @Option(
            names = "--concurrency",
            defaultValue = "64",
            description = "requests put to sleep concurrently (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Mixin
    StoreOptions storeOptions;

    @Override
    public Integer call() throws InterruptedException {
        if (requests < 1 || concurrency < 1) {
            throw new IllegalArgumentException(
                    "--requests and --concurrency must be at least 1: got " + requests + " and " + concurrency);
        }
        SimulatedClock clock = new SimulatedClock();
        try (StoreOptions options = storeOptions.defaultKind(StoreOptions.Kind.MEMORY);
                Store store = options.open("bench-sleep");
                Engine engine = Engine.builder()
                        .store(store)
                        .codec(new JsonCodec())
                        .clock(clock)
                        .services(Examples.services("Reminders", "Inbox"))
                        .build()) {
            long heapBefore = settledHeap();
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
            EngineStats statsBefore = engine.stats();
            long started = System.nanoTime();
            LongAdder asleep = new LongAdder();
            run(requests, i -> {
                try {
                    engine.submit(new Invocation(
                            "sleeper-" + i, "Reminders", "snooze", ("[\"k" + i + "\", 3600]").getBytes(UTF_8), 0));
                } catch (RequestSuspendedException sleeping) {
                    asleep.increment();
                }
            });
            double putToSleepSeconds = (System.nanoTime() - started) / 1e9;
            EngineStats slept = engine.stats().minus(statsBefore);
            long heapAsleep = settledHeap();
            int threadsAsleep = ManagementFactory.getThreadMXBean().getThreadCount();
            System.out.printf(
                    Locale.ROOT,
                    "asleep: %d of %d requests in %.2f s (%.1f us each, %d threads putting them to sleep)%n",
                    asleep.sum(),
                    requests,
                    putToSleepSeconds,
                    putToSleepSeconds * 1e6 / requests,
                    concurrency);
            System.out.printf(
                    Locale.ROOT,
                    "store commits per sleep: %.2f; every submitting thread returned; platform threads alive while they sleep: %d (%d before)%n",
                    (double) slept.storeTransactions() / requests,
                    threadsAsleep,
                    threadsBefore);
            System.out.printf(
                    Locale.ROOT,
                    "heap while asleep: %.1f MiB more than before, %.0f bytes per sleeping request "
                            + "(their records in the %s: journal, request record, timer)%n",
                    (heapAsleep - heapBefore) / 1048576.0,
                    (double) (heapAsleep - heapBefore) / requests,
                    storeOptions.describe());
            clock.advance(Duration.ofHours(1));
            long wakeStarted = System.nanoTime();
            int fired = engine.fireTimers();
            double wakeSeconds = (System.nanoTime() - wakeStarted) / 1e9;
            Inspector.RequestCounts counts = new Inspector(store, engine.codec()).requestCounts();
            System.out.printf(
                    Locale.ROOT,
                    "woken: %d timers fired and %d requests completed in %.2f s (%.0f per second); running %d%n",
                    fired,
                    counts.completed(),
                    wakeSeconds,
                    fired / wakeSeconds,
                    counts.running());
            return fired == requests && counts.running() == 0 ? 0 : 1;
        }
    }

    /** Runs {@code body} for 0..count-1 on virtual threads, at most {@link #concurrency} at once. */
    private void run(int count, java.util.function.IntConsumer body) throws InterruptedException {
        Semaphore permits = new Semaphore(concurrency);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                permits.acquire();
                int n = i;
                threads.execute(() -> {
                    try {
                        body.accept(n);
                    } finally {
                        permits.release();
                    }
                });
            }
        }
    }

    /** Heap in use after collections have settled. */
    private static long settledHeap() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(
                    used,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
