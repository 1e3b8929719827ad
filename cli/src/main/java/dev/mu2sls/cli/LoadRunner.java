package dev.mu2sls.cli;

import dev.mu2sls.core.EngineStats;
import dev.mu2sls.core.Response;
import dev.mu2sls.simulator.Simulator;
import dev.mu2sls.store.StoreStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Closed-loop clients against a simulator: each client sends its next request when the previous
 * one answered. Latencies go into an HdrHistogram (microseconds); a warm-up phase is excluded.
 */
final class LoadRunner {

    record Options(
            Workload workload,
            int concurrency,
            Duration duration,
            Duration warmup,
            long seed,
            boolean sequential,
            boolean recordHistory) {
        Options {
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1: " + concurrency);
            }
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("duration must be positive: " + duration);
            }
        }
    }

    /** One answered client request, for history checks. */
    record Completed(String id, Workload.Request request, long startNanos, long endNanos, Response response) {}

    /**
     * @param requests requests answered during the measured phase
     * @param errors requests that failed or threw during the measured phase
     * @param engine engine counters of the measured phase
     * @param history every answered request (warm-up included) when recorded
     */
    record Result(
            long requests,
            long errors,
            double seconds,
            Histogram latencyMicros,
            EngineStats engine,
            StoreStats store,
            List<Completed> history,
            List<String> errorSamples) {
        double rps() {
            return requests / seconds;
        }

        double percentileMillis(double percentile) {
            return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
        }

        double perRequest(long count) {
            return requests == 0 ? 0 : (double) count / requests;
        }

        double storeTransactionsPerRequest() {
            return perRequest(engine.storeTransactions());
        }

        double syncsPerRequest() {
            return perRequest(store.syncs());
        }

        double storeReadsPerRequest() {
            return perRequest(engine.storeReads());
        }
    }

    private LoadRunner() {}

    static Result run(Simulator simulator, Options options, Progress progress, String label) {
        List<Workload.Request> setup = options.workload().setup();
        for (int i = 0; i < setup.size(); i++) {
            Workload.Request request = setup.get(i);
            Response response = simulator.call("setup-" + i, request.service(), request.method(), request.json());
            if (!response.ok()) {
                throw new IllegalStateException("set-up request " + request + " failed: " + response);
            }
        }
        Recorder recorder = new Recorder(3);
        LongAdder answered = new LongAdder();
        LongAdder failed = new LongAdder();
        ConcurrentLinkedQueue<Completed> history = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> errorSamples = new ConcurrentLinkedQueue<>();
        ReentrantLock oneAtATime = new ReentrantLock();
        Phase phase = new Phase();

        List<Thread> clients = new ArrayList<>(options.concurrency());
        for (int c = 0; c < options.concurrency(); c++) {
            int client = c;
            clients.add(Thread.ofVirtual().name("client-" + c).start(() -> {
                SplittableRandom random = new SplittableRandom(options.seed() * 1_000_003L + client);
                for (long n = 0; !phase.stopped; n++) {
                    Workload.Request request = options.workload().next(random);
                    String id = "c" + client + "-" + n;
                    long start = System.nanoTime();
                    Response response = null;
                    boolean ok;
                    if (options.sequential()) {
                        oneAtATime.lock();
                    }
                    try {
                        response = simulator.call(id, request.service(), request.method(), request.json());
                        ok = response.ok();
                        if (!ok && errorSamples.size() < 5) {
                            errorSamples.add(id + ": " + response);
                        }
                    } catch (RuntimeException e) {
                        ok = false;
                        if (errorSamples.size() < 5) {
                            errorSamples.add(id + ": " + e);
                        }
                    } finally {
                        if (options.sequential()) {
                            oneAtATime.unlock();
                        }
                    }
                    long end = System.nanoTime();
                    if (phase.measuring) {
                        recorder.recordValue(Math.max(1, (end - start) / 1_000));
                        answered.increment();
                        if (!ok) {
                            failed.increment();
                        }
                    }
                    if (options.recordHistory() && response != null) {
                        history.add(new Completed(id, request, start, end, response));
                    }
                }
            }));
        }

        sleepWithProgress(progress, label + " warmup", options.warmup(), answered);
        EngineStats before = simulator.engine().stats();
        StoreStats storeBefore = simulator.store().stats();
        recorder.reset();
        long measureStart = System.nanoTime();
        phase.measuring = true;
        sleepWithProgress(progress, label, options.duration(), answered);
        phase.measuring = false;
        long measureEnd = System.nanoTime();
        EngineStats after = simulator.engine().stats();
        StoreStats storeAfter = simulator.store().stats();
        phase.stopped = true;
        for (Thread client : clients) {
            try {
                client.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping clients", e);
            }
        }
        progress.finish();
        return new Result(
                answered.sum(),
                failed.sum(),
                (measureEnd - measureStart) / 1e9,
                recorder.getIntervalHistogram(),
                after.minus(before),
                storeAfter.minus(storeBefore),
                List.copyOf(history),
                List.copyOf(errorSamples));
    }

    static void sleepWithProgress(Progress progress, String label, Duration duration, LongAdder answered) {
        if (duration.isZero()) {
            return;
        }
        long start = System.nanoTime();
        long total = duration.toNanos();
        while (true) {
            long elapsed = System.nanoTime() - start;
            progress.update(label, (double) elapsed / total, answered.sum());
            if (elapsed >= total) {
                return;
            }
            LockSupport.parkNanos(Math.min(total - elapsed, 200_000_000L));
        }
    }

    private static final class Phase {
        volatile boolean measuring;
        volatile boolean stopped;
    }
}
