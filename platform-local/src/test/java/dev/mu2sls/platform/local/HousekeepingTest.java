package dev.mu2sls.platform.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HousekeepingTest {

    @Test
    void quickSweep_nextOneAtItsInterval() {
        assertThat(Housekeeping.pauseAfter(Duration.ofSeconds(10), Duration.ofMillis(100)))
                .isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void slowSweep_nextOneWaitsNineteenTimesAsLong_soSweepingTakesAtMostATwentieth() {
        Duration took = Duration.ofSeconds(2);
        Duration pause = Housekeeping.pauseAfter(Duration.ofSeconds(10), took);
        assertThat(pause).isEqualTo(Duration.ofSeconds(38));
        assertThat((double) took.toMillis() / (took.toMillis() + pause.toMillis()))
                .isEqualTo(0.05);
    }
}
