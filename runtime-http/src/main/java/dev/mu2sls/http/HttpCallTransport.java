package dev.mu2sls.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.InvalidRequestException;
import dev.mu2sls.NondeterminismException;
import dev.mu2sls.core.CallTransport;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.Response;
import io.opentelemetry.context.Context;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * {@link CallTransport} over HTTP: signs the call's metadata, POSTs the arguments to an instance
 * of the callee, and retries with the same request id, at another instance when there is one,
 * whatever may have been lost: a refused or reset connection (the instance died), a timeout, a
 * 502/503/504 or any 5xx but a nondeterminism report. The callee deduplicates, so a retried call
 * takes effect once (G1). Calls for the same key go to the same instance while it is up
 * ({@link KeyRouting}), so that its state cache stays current. A request goes to the instances of
 * the application version that ran it while they live ({@link Invocation#version()},
 * {@link Routes#instances(String, String)}); an instance of another version answers 421 naming
 * the right one, where the next attempt goes. A reply that is not from the function the call was
 * addressed to (a refusal for a bad signature or an unknown route, a 200 that is not a response:
 * another service's instance or another program now at a dead one's address) is retried too
 * ({@link Replies#misaddressed}). Any other 4xx is final: bad input that no retry fixes. Every
 * attempt carries the trace context current when the delivery began ({@code traceparent}), so the
 * callee's spans are children of the caller's.
 *
 * <h2>Deadline</h2>
 * After {@code deadline} without an answer, {@link #call} throws {@link CallUnavailableError}
 * (an {@code Error}: the calling execution stops unrecorded and is retried by its own caller).
 *
 * <h2>Client</h2>
 * Jetty's HTTP/1.1 client with keep-alive connections, many per instance (one per call in
 * flight). It replaced {@code java.net.http}, whose hand-offs between its selector thread, its
 * executor and the caller cost the gateway more CPU than the function it called (see
 * docs/architecture.md, "Measuring over HTTP"). Its threads are daemons: a process stops when its
 * server does.
 *
 * <h2>Thread safety</h2>
 * Safe for concurrent use; one instance per process shares one connection pool.
 */
public final class HttpCallTransport implements CallTransport {
    /** Largest reply body read: a function's replies are bounded by its own request limit and results. */
    private static final int MAX_REPLY_BYTES = 64 << 20;

    private final Routes routes;
    private final CallSigner signer;
    private final HttpClient client;
    private final Duration attemptTimeout;
    private final Duration deadline;
    private final LongAdder retries = new LongAdder();

    /**
     * @param routes where the callee's instances are
     * @param signer signs the internal metadata
     * @param attemptTimeout how long one attempt may take before it is abandoned and retried
     * @param deadline how long to keep retrying one call
     */
    public HttpCallTransport(Routes routes, CallSigner signer, Duration attemptTimeout, Duration deadline) {
        this.routes = Objects.requireNonNull(routes, "routes");
        this.signer = Objects.requireNonNull(signer, "signer");
        this.attemptTimeout = attemptTimeout;
        this.deadline = deadline;
        this.client = startClient();
    }

    private static HttpClient startClient() {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("mu2sls-http-client");
        threads.setDaemon(true);
        // The response listeners only complete a future, so the selector thread runs them itself
        // instead of handing each response to a pool thread.
        HttpClientTransportOverHTTP http = new HttpClientTransportOverHTTP(1);
        http.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
        HttpClient client = new HttpClient(http);
        client.setExecutor(threads);
        client.setScheduler(new ScheduledExecutorScheduler("mu2sls-http-client-scheduler", true));
        client.setConnectTimeout(2_000);
        client.setMaxConnectionsPerDestination(4096);
        client.setMaxRequestsQueuedPerDestination(1 << 16);
        client.setFollowRedirects(false);
        client.setUserAgentField(null);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP client for calls between services: " + e, e);
        }
        return client;
    }

    /** Calls between services: attempt timeout 60 s, deadline 2 minutes. */
    public static HttpCallTransport forCalls(Routes routes, CallSigner signer) {
        return new HttpCallTransport(routes, signer, Duration.ofSeconds(60), Duration.ofMinutes(2));
    }

    /** Deliveries that the engine retried because an attempt failed (for reports and tests). */
    public long retries() {
        return retries.sum();
    }

    public Routes routes() {
        return routes;
    }

    /** How long one call is retried before {@link CallUnavailableError}. */
    public Duration deadline() {
        return deadline;
    }

    @Override
    public Response call(Invocation invocation) {
        HttpReply reply = deliver(invocation, false);
        if (reply.status() == 200) {
            return Replies.parseResponse(reply.body());
        }
        InvalidRequestException invalid = Replies.parseInvalid(reply.body());
        if (invalid != null) {
            throw invalid;
        }
        NondeterminismException diverged = Replies.parseNondeterminism(reply.status(), reply.body());
        if (diverged != null) {
            throw diverged;
        }
        throw new IllegalStateException(invocation + " was rejected with " + reply.status() + ": " + reply.bodyText());
    }

    /**
     * Delivers {@code invocation} until an instance gives a final answer (2xx or 4xx) and returns
     * it verbatim: the gateway relays it to its client.
     *
     * @param accept whether the callee accepts it durably first (a client request)
     * @throws CallUnavailableError if no final answer came within the deadline
     */
    public HttpReply deliver(Invocation invocation, boolean accept) {
        CompletableFuture<HttpReply> reply = deliverAsync(invocation, accept);
        try {
            return reply.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CallUnavailableError unavailable) {
                throw unavailable;
            }
            throw new IllegalStateException("delivering " + invocation + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            reply.cancel(false);
            Thread.currentThread().interrupt();
            throw new CallUnavailableError("interrupted while calling " + invocation, e);
        }
    }

    /**
     * {@link #deliver} without a waiting thread: attempts and their back-off run on the client's
     * threads, and the future completes with the final answer, or exceptionally with
     * {@link CallUnavailableError} after the deadline. Cancelling it stops the retries.
     */
    public CompletableFuture<HttpReply> deliverAsync(Invocation invocation, boolean accept) {
        Delivery delivery = new Delivery(invocation, accept);
        delivery.attempt();
        return delivery.reply;
    }

    /** One invocation's attempts, each started when the previous one failed and its back-off passed. */
    private final class Delivery {
        /** Re-addressed to the version that ran the request when an instance of another answers 421. */
        private Invocation invocation;

        private final boolean accept;
        private final long giveUpAt;
        private final CompletableFuture<HttpReply> reply = new CompletableFuture<>();
        /** Captured here: attempts after the first run on the client's threads, outside the caller's context. */
        private final Map<String, String> traceHeaders = TraceHeaders.of(Context.current());
        /** The call's routing key ({@link KeyRouting}); 0: none, any instance. */
        private final long keyHash;

        private int attempt;
        private URI failed;
        private String lastProblem;

        Delivery(Invocation invocation, boolean accept) {
            this.invocation = invocation;
            this.accept = accept;
            this.giveUpAt = System.nanoTime() + deadline.toNanos();
            this.attempt = invocation.attempt();
            this.lastProblem = "no instance of " + invocation.service() + " is ready";
            this.keyHash = KeyRouting.keyHash(invocation.arguments());
        }

        void attempt() {
            if (reply.isDone()) {
                return;
            }
            URI instance = pick(invocation.service(), invocation.version(), keyHash, failed);
            if (instance == null) {
                retryLater();
                return;
            }
            byte[] body = invocation.arguments();
            Map<String, String> headers = signer.sign(
                    new CallSigner.CallMetadata(
                            invocation.requestId(),
                            invocation.transactionId(),
                            invocation.service(),
                            invocation.method(),
                            accept,
                            invocation.deadlineMillis()),
                    body);
            String attemptNumber = Integer.toString(attempt);
            client.newRequest(methodUri(instance, invocation.method()))
                    .method(HttpMethod.POST)
                    .timeout(attemptTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .headers(h -> {
                        h.put(InternalHeaders.ATTEMPT, attemptNumber);
                        headers.forEach(h::put);
                        traceHeaders.forEach(h::put);
                    })
                    .body(new BytesRequestContent("application/json", body))
                    .send(new BufferingResponseListener(MAX_REPLY_BYTES) {
                        @Override
                        public void onComplete(Result result) {
                            answered(instance, result, getContent());
                        }
                    });
        }

        private void answered(URI instance, Result result, byte[] content) {
            if (result.isSucceeded()) {
                int status = result.getResponse().getStatus();
                String ranBy = Replies.misdirectedTo(status, content);
                if (ranBy != null) {
                    // run by another application version, alive: its instances get it (code upgrades)
                    invocation = invocation.withVersion(ranBy);
                    lastProblem = instance + " sent it to application version " + ranBy;
                    retryLater();
                    return;
                }
                boolean misaddressed = Replies.misaddressed(status, content);
                if (!misaddressed && (status < 500 || Replies.parseNondeterminism(status, content) != null)) {
                    reply.complete(new HttpReply(status, Map.of(), content));
                    return;
                }
                // whatever answered a misaddressed call is not the callee: no final answer
                lastProblem = instance + " answered " + status + ": "
                        + FunctionHandler.abbreviate(new String(content, UTF_8));
            } else {
                lastProblem = instance + ": " + result.getFailure();
            }
            failed = instance;
            retryLater();
        }

        private void retryLater() {
            if (System.nanoTime() > giveUpAt) {
                reply.completeExceptionally(new CallUnavailableError(
                        "no answer for " + invocation + " within " + deadline + "; last: " + lastProblem, null));
                return;
            }
            retries.increment();
            long backoffMillis = Math.min(1000, 10L << Math.min(attempt - invocation.attempt(), 7));
            attempt++;
            client.getScheduler()
                    .schedule(
                            this::attempt,
                            ThreadLocalRandom.current().nextLong(backoffMillis / 2 + 1, backoffMillis + 1),
                            TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Where {@code method} is served on {@code instance}: {@code /<method>} under the instance's
     * path, which names the service on a function co-locating several ({@code http://host:port/Hotel}).
     */
    static String methodUri(URI instance, String method) {
        String base = instance.toString();
        return base.endsWith("/") ? base + method : base + "/" + method;
    }

    /**
     * A ready instance of the callee, of the application version that ran the request while one
     * is alive ({@link Routes#instances(String, String)}): the one its first argument routes to
     * ({@link KeyRouting}), else a random one; avoiding the one that just failed when there is another.
     */
    private URI pick(String service, String version, long keyHash, URI avoid) {
        List<URI> instances = routes.instances(service, version);
        if (instances.size() <= 1) {
            return instances.isEmpty() ? null : instances.getFirst();
        }
        if (keyHash != 0) {
            return KeyRouting.choose(instances, keyHash, avoid);
        }
        if (avoid != null) {
            List<URI> others = new ArrayList<>(instances);
            others.remove(avoid);
            instances = others;
        }
        return instances.get(ThreadLocalRandom.current().nextInt(instances.size()));
    }
}
