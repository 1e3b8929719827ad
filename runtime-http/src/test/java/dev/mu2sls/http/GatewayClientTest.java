package dev.mu2sls.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mu2sls.ServiceCallException;
import dev.mu2sls.examples.counter.CounterClient;
import dev.mu2sls.examples.counter.CounterDispatcher;
import dev.mu2sls.examples.shortener.AnalyticsDispatcher;
import dev.mu2sls.examples.shortener.ShortenerClient;
import dev.mu2sls.examples.shortener.ShortenerDispatcher;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Generated clients used from outside the application, over HTTP against the gateway (issue 15, item 6). */
class GatewayClientTest {
    private LocalFunctions app;

    @BeforeEach
    void start() {
        app = new LocalFunctions(
                List.of(new CounterDispatcher(), new ShortenerDispatcher(), new AnalyticsDispatcher()));
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void generatedClient_callsThroughTheGateway_withTypedArgumentsAndResults() {
        CounterClient counter = new CounterClient(GatewayClient.of(app.gateway));

        assertThat(counter.add("k", 2)).isEqualTo(2);
        assertThat(counter.add("k", 3)).as("each call is a new request").isEqualTo(5);
        assertThat(counter.get("k")).isEqualTo(5);
        assertThat(app.inspector.dumpState()).containsEntry("Counter.counts[\"k\"]", "5");
    }

    @Test
    void handlerFailure_arrivesAsServiceCallException() {
        ShortenerClient shortener = new ShortenerClient(GatewayClient.of(app.gateway));

        assertThatThrownBy(() -> shortener.resolve("missing")).isInstanceOfSatisfying(ServiceCallException.class, e -> {
            assertThat(e.errorType()).isEqualTo(IllegalArgumentException.class.getName());
            assertThat(e.errorMessage()).contains("unknown short code 'missing'");
        });
    }

    @Test
    void refusedOrUnreachable_areOneClearException() throws Exception {
        ShortenerClient shortener = new ShortenerClient(GatewayClient.of(app.gateway));
        String tooLarge = "https://example.org/" + "x".repeat(2 << 20);
        assertThatThrownBy(() -> shortener.shorten(tooLarge))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("answered 413");

        URI dead;
        try (ServerSocket socket = new ServerSocket(0)) {
            dead = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        CounterClient unreachable = new CounterClient(GatewayClient.of(dead));
        assertThatThrownBy(() -> unreachable.add("k", 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("after 3 attempts with Idempotency-Key");
    }

    @Test
    void asyncCalls_areRefusedOutsideAService() {
        CounterClient counter = new CounterClient(GatewayClient.of(app.gateway));

        assertThatThrownBy(() -> counter.async().add("k", 1)).isInstanceOf(IllegalStateException.class);
    }
}
