package dev.mu2sls.platform.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AppsTest {

    @Test
    void resolve_exampleByName_findsItsServicesOnTheClassPathInStartOrder() {
        Apps.App travel = Apps.resolve("Travel");
        assertThat(travel.name()).isEqualTo("travel");
        assertThat(travel.serviceNames()).containsExactly("Frontend", "Hotel", "Flight", "Order");
        assertThat(travel.service("Hotel").method("open")).isNotNull();
    }

    @Test
    void resolve_everyExample_resolves() {
        for (String name : Apps.exampleNames()) {
            assertThat(Apps.resolve(name).services()).as(name).isNotEmpty();
        }
    }

    @Test
    void resolve_unknownName_namesTheExamples() {
        assertThatThrownBy(() -> Apps.resolve("hotel"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "unknown application 'hotel': give an example (counter, chain, tree, media, travel, bank, "
                                + "shortener, social, shop, orders)");
    }

    @Test
    void services_nameNotOnTheClassPath_isNamedInTheError() {
        assertThatThrownBy(() -> Examples.services("Counter", "Nowhere"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("example services [Nowhere] are not on the class path");
    }
}
