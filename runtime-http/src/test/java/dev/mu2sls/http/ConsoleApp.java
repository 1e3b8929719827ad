package dev.mu2sls.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.core.Invocation;
import dev.mu2sls.examples.chain.Caller1Dispatcher;
import dev.mu2sls.examples.chain.Caller2Dispatcher;
import dev.mu2sls.examples.counter.CounterDispatcher;
import dev.mu2sls.examples.social.PostStorageDispatcher;
import dev.mu2sls.examples.social.SocialDispatcher;
import dev.mu2sls.examples.social.SocialGraphDispatcher;
import dev.mu2sls.examples.social.TimelineDispatcher;
import dev.mu2sls.examples.travel.FlightDispatcher;
import dev.mu2sls.examples.travel.FrontendDispatcher;
import dev.mu2sls.examples.travel.HotelDispatcher;
import dev.mu2sls.examples.travel.OrderDispatcher;
import dev.mu2sls.observability.Telemetry;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The console tests' application: W2, W5 travel and the social network as HTTP functions behind a
 * gateway, each process with its own meters (as separate processes have), and client requests
 * with every outcome a console shows.
 */
final class ConsoleApp implements AutoCloseable {
    static final int CHAINS = 3;
    static final String BOOKING = "Frontend.book:trip";
    static final String FAILED = "Social.timeline:blank";
    /** Client requests {@link #sendRequests()} sends through the gateway, all answered. */
    static final int CLIENT_REQUESTS = CHAINS + 4;

    private final List<Telemetry> telemetries = new ArrayList<>();
    final LocalFunctions app;

    ConsoleApp() {
        app = new LocalFunctions(
                List.of(
                        new Caller1Dispatcher(),
                        new Caller2Dispatcher(),
                        new CounterDispatcher(),
                        new FrontendDispatcher(),
                        new HotelDispatcher(),
                        new FlightDispatcher(),
                        new OrderDispatcher(),
                        new SocialDispatcher(),
                        new SocialGraphDispatcher(),
                        new PostStorageDispatcher(),
                        new TimelineDispatcher()),
                process -> {
                    Telemetry telemetry = Telemetry.create(true, null);
                    telemetries.add(telemetry);
                    return telemetry;
                });
    }

    static String chain(int i) {
        return "Caller1.add:chain-" + i;
    }

    void sendRequests() {
        send("Hotel", "open", "[\"h\", 5]", "h");
        send("Flight", "open", "[\"f\", 5]", "f");
        for (int i = 0; i < CHAINS; i++) {
            send("Caller1", "add", "[\"k\", " + (i + 1) + "]", "chain-" + i);
        }
        send("Frontend", "book", "[\"ann\", \"f\", \"h\"]", "trip");
        send("Social", "timeline", "[\" \"]", "blank");
    }

    private void send(String service, String method, String arguments, String key) {
        assertThat(app.client(service, method, arguments, Map.of("Idempotency-Key", key))
                        .statusCode())
                .isEqualTo(200);
    }

    /** Records {@code count} W1 requests straight through the Counter engine (ids as the gateway gives them). */
    void recordCounterRequests(int count) {
        byte[] arguments = "[\"many\", 1]".getBytes(UTF_8);
        for (int i = 0; i < count; i++) {
            app.engines.get("Counter").invoke(new Invocation("Counter.add:bulk-" + i, "Counter", "add", arguments, 0));
        }
    }

    URI console(String path) {
        return app.gateway.resolve("/console" + path);
    }

    static String encode(String requestId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(requestId.getBytes(UTF_8));
    }

    @Override
    public void close() {
        app.close();
        telemetries.forEach(Telemetry::close);
    }
}
