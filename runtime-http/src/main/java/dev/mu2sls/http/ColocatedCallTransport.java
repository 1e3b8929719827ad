package dev.mu2sls.http;

import dev.mu2sls.InvalidRequestException;
import dev.mu2sls.NondeterminismException;
import dev.mu2sls.core.CallTransport;
import dev.mu2sls.core.Engine;
import dev.mu2sls.core.ExecutionExpiredException;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.MisdirectedRequestException;
import dev.mu2sls.core.RequestSuspendedException;
import dev.mu2sls.core.Response;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * Calls between services co-located in one function process ({@code up --colocate}): a call to a
 * service this process's engine runs is delivered to that engine in-process, on the caller's
 * thread, instead of over HTTP; any other call goes over {@link HttpCallTransport}. The delivery
 * is the one an HTTP function makes ({@link Engine#invoke}), so the callee journals, deduplicates
 * and joins transactions exactly as it would behind a hop; only the hop is gone.
 *
 * <p>What HTTP would retry is retried here the same way, with the same request id, a growing
 * back-off and the same deadline: a crash-like failure of the delivery (the store unreachable, a
 * transaction conflict the callee did not record). Bad input and divergence are final, as over
 * HTTP. A request another application version ran goes to that version's instances over HTTP.
 *
 * <p>With several instances of the callee, a call stays in-process only when its key routes to this
 * instance ({@link KeyRouting}); otherwise it goes over HTTP to the instance that owns the key, so
 * that the requests for one key keep meeting one state cache, as without co-location.
 *
 * <h2>Thread safety</h2>
 * Safe for concurrent use once {@link #attach attached}.
 */
public final class ColocatedCallTransport implements CallTransport {
    private final HttpCallTransport remote;
    private final String applicationVersion;
    private final Predicate<URI> here;
    private final Duration deadline;
    private final LongAdder localCalls = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private volatile Engine engine;

    /**
     * @param remote the transport for services this process does not run
     * @param applicationVersion the version this process runs, or null when the application declares none
     * @param here whether a route names this process (one of {@code remote}'s routes)
     */
    public ColocatedCallTransport(HttpCallTransport remote, String applicationVersion, Predicate<URI> here) {
        this.remote = Objects.requireNonNull(remote, "remote");
        this.applicationVersion = applicationVersion;
        this.here = Objects.requireNonNull(here, "here");
        this.deadline = remote.deadline();
    }

    /** Starts delivering in-process to {@code engine}, built with this transport. */
    public void attach(Engine engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    /** Calls delivered in-process so far (for reports and tests). */
    public long localCalls() {
        return localCalls.sum();
    }

    /** In-process deliveries retried after a crash-like failure. */
    public long retries() {
        return retries.sum();
    }

    /**
     * Whether {@link #call} delivers {@code invocation} to the attached engine, in-process and on
     * the calling thread ({@code Engine.Builder.inProcessCalls}).
     */
    public boolean deliversHere(Invocation invocation) {
        Engine local = engine;
        return local != null
                && local.services().containsKey(invocation.service())
                && Objects.equals(invocation.version(), applicationVersion)
                && routedHere(invocation);
    }

    @Override
    public Response call(Invocation invocation) {
        if (engine == null) {
            throw new IllegalStateException("attach the engine before it makes calls");
        }
        if (!deliversHere(invocation)) {
            return remote.call(invocation);
        }
        Engine local = engine;
        localCalls.increment();
        long giveUpAt = System.nanoTime() + deadline.toNanos();
        int attempt = invocation.attempt();
        while (true) {
            RuntimeException failed;
            try {
                return local.invoke(invocation.withAttempt(attempt));
            } catch (InvalidRequestException | NondeterminismException e) {
                throw e;
            } catch (MisdirectedRequestException e) {
                return remote.call(invocation.withVersion(e.version()));
            } catch (RequestSuspendedException e) {
                // what a caller over HTTP makes of a 202: not a response it can record
                throw new IllegalStateException(
                        invocation + " was suspended instead of answering: " + e.getMessage(), e);
            } catch (ExecutionExpiredException e) {
                // the caller's deadline passed too: it stops unrecorded and its own caller re-executes it (A6)
                throw new CallUnavailableError(invocation + " expired: " + e.getMessage(), e);
            } catch (CallUnavailableError e) {
                failed = new IllegalStateException(e.getMessage(), e);
            } catch (RuntimeException e) {
                failed = e;
            }
            if (System.nanoTime() > giveUpAt) {
                throw new CallUnavailableError(
                        "no answer for " + invocation + " within " + deadline + "; last: " + failed, failed);
            }
            retries.increment();
            backOff(invocation, attempt - invocation.attempt());
            attempt++;
        }
    }

    /** Whether the callee's key routes to this instance, or no route prefers another. */
    private boolean routedHere(Invocation invocation) {
        List<URI> instances = remote.routes().instances(invocation.service(), invocation.version());
        if (instances.size() <= 1) {
            return true;
        }
        long keyHash = KeyRouting.keyHash(invocation.arguments());
        return keyHash == 0 || here.test(KeyRouting.choose(instances, keyHash, null));
    }

    private static void backOff(Invocation invocation, int retry) {
        long backoffMillis = Math.min(1000, 10L << Math.min(retry, 7));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(backoffMillis / 2 + 1, backoffMillis + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallUnavailableError("interrupted while calling " + invocation, e);
        }
    }
}
