package dev.mu2sls.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.core.Engine;
import dev.mu2sls.core.Inspector;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.Response;
import dev.mu2sls.examples.chain.Caller1Dispatcher;
import dev.mu2sls.examples.chain.Caller2Dispatcher;
import dev.mu2sls.examples.counter.CounterDispatcher;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.observability.Telemetry;
import dev.mu2sls.spi.ServiceDefinition;
import dev.mu2sls.store.ForwardingStore;
import dev.mu2sls.store.ForwardingStoreTransaction;
import dev.mu2sls.store.MemoryStore;
import dev.mu2sls.store.StoreTransaction;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Services co-located in one function ({@code up --colocate}): calls between them are delivered
 * in-process with the journal rules of a hop, calls to other functions still go over HTTP, and an
 * in-process delivery that crashed is retried with the same id.
 */
class ColocatedFunctionTest {
    private final FlakyStore store = new FlakyStore();
    private final Inspector inspector = new Inspector(store, new JsonCodec());
    private final CallSigner signer = CallSigner.of(LocalFunctions.SECRET);
    private final LocalFunctions.FakeRoutes routes = new LocalFunctions.FakeRoutes();
    private final HttpCallTransport http =
            new HttpCallTransport(routes, signer, Duration.ofSeconds(10), Duration.ofSeconds(10));
    private final List<HttpServerAdapter> servers = new ArrayList<>();
    private final List<Engine> engines = new ArrayList<>();
    private final List<FunctionHandler> handlers = new ArrayList<>();
    private final LocalFunctions client = new LocalFunctions(List.of());
    private ColocatedCallTransport colocated;
    private URI gateway;

    @AfterEach
    void stop() {
        servers.forEach(server -> server.stop(0));
        engines.forEach(Engine::close);
        client.close();
    }

    @Test
    void chainCoLocated_callsStayInTheProcess_andApplyOnce() {
        start(List.of(new Caller1Dispatcher(), new Caller2Dispatcher(), new CounterDispatcher()));

        HttpResponse<String> first = call("Caller1", "add", "[\"k\", 5]", "colocated-1");
        HttpResponse<String> again = call("Caller1", "add", "[\"k\", 5]", "colocated-1");

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("{\"ok\":true,\"value\":5}");
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(colocated.localCalls()).as("Caller1 -> Caller2 -> Counter").isEqualTo(2);
        assertThat(handled(0)).as("only the client request crossed HTTP, twice").isEqualTo(2);
        assertThat(inspector.dumpState()).containsEntry("Counter.counts[\"k\"]", "5");
    }

    @Test
    void calleeInAnotherFunction_isCalledOverHttp() {
        start(List.of(new Caller1Dispatcher(), new Caller2Dispatcher()), List.of(new CounterDispatcher()));

        HttpResponse<String> reply = call("Caller1", "add", "[\"k\", 3]", "split-1");

        assertThat(reply.body()).isEqualTo("{\"ok\":true,\"value\":3}");
        assertThat(colocated.localCalls()).as("Caller1 -> Caller2 only").isEqualTo(1);
        assertThat(handled(1)).as("Counter's own function").isEqualTo(1);
    }

    @Test
    void crashedInProcessDelivery_isRetriedWithTheSameId_andAppliesOnce() {
        start(List.of(new Caller1Dispatcher(), new Caller2Dispatcher(), new CounterDispatcher()));
        store.failCommitsWriting("counts", 2);

        HttpResponse<String> reply = call("Caller1", "add", "[\"k\", 7]", "flaky-1");

        assertThat(reply.body()).isEqualTo("{\"ok\":true,\"value\":7}");
        assertThat(store.failed()).isEqualTo(2);
        assertThat(colocated.retries()).isEqualTo(2);
        assertThat(handled(0)).as("the caller itself was not re-delivered").isEqualTo(1);
        assertThat(inspector.dumpState()).containsEntry("Counter.counts[\"k\"]", "7");
    }

    @Test
    void coLocatingFunction_servesEachServiceUnderItsName() {
        start(List.of(new Caller1Dispatcher(), new CounterDispatcher()));
        URI function = URI.create("http://127.0.0.1:" + servers.getFirst().port());

        HttpResponse<String> bare = client.post(function.resolve("/add"), "[\"k\", 1]".getBytes(ISO_8859_1), Map.of());
        HttpResponse<String> unknown =
                client.post(function.resolve("/Caller2/add"), "[\"k\", 1]".getBytes(ISO_8859_1), Map.of());
        HttpResponse<String> unsigned =
                client.post(function.resolve("/Counter/add"), "[\"k\", 1]".getBytes(ISO_8859_1), Map.of());
        HttpResponse<String> health = client.get(function.resolve("/health"));

        assertThat(bare.statusCode()).isEqualTo(404);
        assertThat(bare.body()).contains("/<service>/<method> for services [Caller1, Counter]");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(LocalFunctions.json(health).get("service").asText()).isEqualTo("Caller1+Counter");
        assertThat(inspector.dumpState()).isEmpty();
    }

    @Test
    void callForAnotherApplicationVersion_goesOverHttpToThatVersionsInstances() {
        start(List.of(new Caller1Dispatcher(), new CounterDispatcher()));
        Invocation ranByVersion1 =
                new Invocation("Caller1.add:v1/1", "Counter", "add", "[\"k\", 2]".getBytes(UTF_8), 0).withVersion("1");

        Response response = colocated.call(ranByVersion1);

        assertThat(new String(response.value(), UTF_8)).isEqualTo("2");
        assertThat(colocated.localCalls()).as("this process runs no version 1").isZero();
        assertThat(handled(0)).as("delivered over HTTP").isEqualTo(1);
    }

    @Test
    void calleeWithSeveralInstances_staysInProcessOnlyForTheKeysRoutedHere() {
        start(List.of(new Caller2Dispatcher(), new CounterDispatcher()), List.of(new CounterDispatcher()));
        List<URI> counters = List.of(
                URI.create("http://127.0.0.1:" + servers.get(0).port() + "/Counter"),
                URI.create("http://127.0.0.1:" + servers.get(1).port()));
        routes.set("Counter", counters);
        String here = keyRoutedTo(counters, counters.get(0));
        String there = keyRoutedTo(counters, counters.get(1));

        assertThat(call("Caller2", "add", "[\"" + here + "\", 1]", "routed-here")
                        .body())
                .isEqualTo("{\"ok\":true,\"value\":1}");
        assertThat(call("Caller2", "add", "[\"" + there + "\", 1]", "routed-there")
                        .body())
                .isEqualTo("{\"ok\":true,\"value\":1}");

        assertThat(colocated.localCalls()).as("the key routed here").isEqualTo(1);
        assertThat(handled(1)).as("the key routed to the other instance").isEqualTo(1);
    }

    /** A counter key whose call {@link KeyRouting} sends to {@code target} among {@code instances}. */
    private static String keyRoutedTo(List<URI> instances, URI target) {
        for (int i = 0; ; i++) {
            String key = "k" + i;
            long hash = KeyRouting.keyHash(("[\"" + key + "\", 1]").getBytes(UTF_8));
            if (KeyRouting.choose(instances, hash, null).equals(target)) {
                return key;
            }
        }
    }

    @Test
    void console_scrapesACoLocatingFunctionOnce() {
        start(List.of(new Caller1Dispatcher(), new Caller2Dispatcher()), List.of(new CounterDispatcher()));

        HttpResponse<String> metrics = client.get(gateway.resolve("/console/api/metrics"));

        assertThat(LocalFunctions.json(metrics).get("processes").asInt())
                .as("the gateway and two functions, not one per service")
                .isEqualTo(3);
    }

    /** The first group co-located in one function, each other in its own; a gateway in front. */
    @SafeVarargs
    private void start(List<ServiceDefinition>... functions) {
        List<ServiceDefinition> all = new ArrayList<>();
        for (List<ServiceDefinition> services : functions) {
            all.addAll(services);
            AtomicInteger port = new AtomicInteger();
            ColocatedCallTransport transport =
                    new ColocatedCallTransport(http, null, uri -> uri.getPort() == port.get());
            Engine.Builder builder = Engine.builder()
                    .store(store)
                    .codec(new JsonCodec())
                    .services(services)
                    .transport(services.size() > 1 ? transport : http);
            if (services.size() > 1) {
                builder.inProcessCalls(transport::deliversHere);
            }
            Engine engine = builder.build();
            transport.attach(engine);
            if (colocated == null) {
                colocated = transport;
            }
            engines.add(engine);
            List<String> names = services.stream().map(ServiceDefinition::name).toList();
            FunctionHandler handler = new FunctionHandler(
                    engine, names, signer, Engine.DEFAULT_MAX_PAYLOAD_BYTES, Telemetry.create(true, null));
            handlers.add(handler);
            HttpServerAdapter server = HttpServerAdapter.start("127.0.0.1", 0, handler.maxBodyBytes(), handler::handle);
            port.set(server.port());
            servers.add(server);
            for (String name : names) {
                routes.set(
                        name,
                        List.of(URI.create(
                                "http://127.0.0.1:" + server.port() + (names.size() > 1 ? "/" + name : ""))));
            }
        }
        Telemetry gatewayTelemetry = Telemetry.create(true, null);
        Console console = new Console(inspector, gatewayTelemetry, routes, Console.Exposure.LOOPBACK);
        GatewayHandler gatewayHandler = new GatewayHandler(
                http,
                all,
                Engine.DEFAULT_MAX_PAYLOAD_BYTES,
                null,
                (invocation, report) -> {},
                gatewayTelemetry,
                console);
        HttpServerAdapter server =
                JettyServer.startNonBlocking("127.0.0.1", 0, gatewayHandler.maxBodyBytes(), gatewayHandler::handle);
        servers.add(server);
        gateway = URI.create("http://127.0.0.1:" + server.port());
    }

    private HttpResponse<String> call(String service, String method, String body, String key) {
        return client.post(
                gateway.resolve("/call/" + service + "/" + method),
                body.getBytes(ISO_8859_1),
                Map.of("Idempotency-Key", key));
    }

    /** Requests the function {@code index} answered over HTTP, from its health endpoint. */
    private int handled(int index) {
        HttpResponse<String> health =
                client.get(URI.create("http://127.0.0.1:" + servers.get(index).port() + "/health"));
        return LocalFunctions.json(health).get("handled").asInt();
    }

    /**
     * An in-memory store whose commits writing some keys fail a given number of times, as when the
     * store becomes unreachable between a handler's return and its completion.
     */
    private static final class FlakyStore extends ForwardingStore {
        private final AtomicInteger failuresLeft = new AtomicInteger();
        private final AtomicInteger failed = new AtomicInteger();
        private volatile String failing = "\u0000";

        FlakyStore() {
            super(new MemoryStore());
        }

        void failCommitsWriting(String keyText, int times) {
            failing = keyText;
            failuresLeft.set(times);
        }

        int failed() {
            return failed.get();
        }

        @Override
        protected StoreTransaction decorate(StoreTransaction transaction) {
            return new ForwardingStoreTransaction(transaction) {
                private boolean writesFailing;

                @Override
                public void put(byte[] key, byte[] value) {
                    writesFailing |= new String(key, ISO_8859_1).contains(failing);
                    super.put(key, value);
                }

                @Override
                public void commit() {
                    if (writesFailing && failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        failed.incrementAndGet();
                        throw new IllegalStateException("injected: the store is unreachable");
                    }
                    super.commit();
                }
            };
        }
    }
}
