package dev.mu2sls.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mu2sls.NondeterminismException;
import dev.mu2sls.core.CrashPoint;
import dev.mu2sls.core.Engine;
import dev.mu2sls.core.FaultInjector;
import dev.mu2sls.core.InjectedCrash;
import dev.mu2sls.core.Inspector;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.Response;
import dev.mu2sls.examples.upgrade.Deployed;
import dev.mu2sls.examples.upgrade.SignupV1Dispatcher;
import dev.mu2sls.examples.upgrade.SignupV2Dispatcher;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.spec.RecordedChoices;
import dev.mu2sls.spec.SpecRunner;
import dev.mu2sls.spi.ServiceDefinition;
import dev.mu2sls.store.MemoryStore;
import dev.mu2sls.store.Store;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code Deterministic.version} across a code upgrade: requests started by {@code SignupV1} are
 * re-driven by {@code SignupV2}, which patched the handler with the change "welcome-bonus".
 */
class VersionUpgradeTest {
    private static final JsonCodec CODEC = new JsonCodec();
    private static final ServiceDefinition V1 = new Deployed("Signup", new SignupV1Dispatcher());
    private static final ServiceDefinition V2 = new Deployed("Signup", new SignupV2Dispatcher());

    /** The old journal has the effect where the new code asks for the version: no step is taken. */
    @Test
    void journalOfVersion1_replaysOnVersion2_atTheDefaultVersion() {
        Store store = new MemoryStore();
        try (Engine v1 = engine(store, V1, crashAt(CrashPoint.BEFORE_COMPLETE), null)) {
            assertThatThrownBy(() -> v1.submit(register("r1", 0))).isInstanceOf(InjectedCrash.class);
        }
        assertThat(journalOps(store, "r1")).containsExactly("GET", "EFFECT");

        try (Engine v2 = engine(store, V2, FaultInjector.NONE, null)) {
            Response response = v2.submit(register("r1", 1));

            assertThat(response.ok()).as(response.toString()).isTrue();
            assertThat(new String(response.value(), UTF_8)).isEqualTo("\"member 1\"");
            assertThat(new Inspector(store, CODEC).dumpState())
                    .containsEntry("Signup.mails[\"ann\"]", "\"welcome ann\"")
                    .doesNotContainKey("Signup.bonuses[\"ann\"]");
        }
    }

    /** A request started on version 2 records the version, and its replay takes the new branch again. */
    @Test
    void freshRequestOnVersion2_recordsTheVersion_andItsReplayKeepsIt() {
        Store store = new MemoryStore();
        try (Engine v2 = engine(store, V2, crashAt(CrashPoint.BEFORE_COMPLETE), null)) {
            assertThatThrownBy(() -> v2.submit(register("r2", 0))).isInstanceOf(InjectedCrash.class);
            List<Inspector.Step> journal =
                    new Inspector(store, CODEC).request("r2").orElseThrow().journal();
            assertThat(journal).extracting(Inspector.Step::op).containsExactly("GET", "VERSION", "EFFECT");
            assertThat(journal.get(1).target()).isEqualTo("welcome-bonus");
            assertThat(journal.get(1).result()).isEqualTo("version 1");

            Response response = v2.submit(register("r2", 1));

            assertThat(new String(response.value(), UTF_8)).isEqualTo("\"member 1 with a bonus\"");
            assertThat(new Inspector(store, CODEC).dumpState()).containsEntry("Signup.bonuses[\"ann\"]", "10");
        }
    }

    /**
     * Crashes a version-1 request at every crash point, re-drives it on version 2, and checks the
     * outcome: the old branch exactly when version 1 persisted a step past where version 2 asks,
     * and the spec run of version 2, given the implementation's choices, agrees on response and
     * state (the spec takes no step where the implementation took none).
     */
    @Test
    void everyCrashOfAVersion1Request_finishesOnVersion2_asTheSpecSays() {
        int crashes = 0;
        for (CrashPoint point : CrashPoint.values()) {
            for (int nth = 1; ; nth++) {
                Store store = new MemoryStore();
                AtomicBoolean crashed = new AtomicBoolean();
                try (Engine v1 = engine(store, V1, crashAt(point, nth, crashed), null)) {
                    Response untouched = v1.submit(register("r", 0));
                    if (!crashed.get()) {
                        assertThat(untouched.ok()).isTrue();
                        break;
                    }
                } catch (InjectedCrash expected) {
                    // the first delivery died here; version 2 re-drives it
                }
                crashes++;
                String where = point + " #" + nth;
                boolean completedOnV1 = new Inspector(store, CODEC)
                        .request("r")
                        .map(detail -> detail.request().status() == Inspector.Status.COMPLETED)
                        .orElse(false);
                boolean pastTheVersionCall = journalOps(store, "r").size() > 1;

                RecordedChoices choices = new RecordedChoices(1);
                Response response;
                try (Engine v2 = engine(store, V2, FaultInjector.NONE, choices)) {
                    response = v2.submit(register("r", 1));
                }
                String expected = completedOnV1 || pastTheVersionCall ? "\"member 1\"" : "\"member 1 with a bonus\"";
                assertThat(new String(response.value(), UTF_8)).as(where).isEqualTo(expected);
                if (!completedOnV1) {
                    SpecRunner spec = new SpecRunner(List.of(V2), CODEC, choices);
                    assertThat(spec.call("r", "Signup", "register", "[\"ann\"]"))
                            .as(where)
                            .isEqualTo(response);
                    assertThat(spec.dumpState()).as(where).isEqualTo(new Inspector(store, CODEC).dumpState());
                }
            }
        }
        assertThat(crashes).as("crash points reached").isGreaterThan(5);
    }

    /** A rollback that meets a journal of the newer code diverges: quarantined, with its report. */
    @Test
    void journalOfVersion2_divergesOnVersion1_andIsQuarantinedWithItsReport() {
        Store store = new MemoryStore();
        try (Engine v2 = engine(store, V2, crashAt(CrashPoint.BEFORE_COMPLETE), null)) {
            assertThatThrownBy(() -> v2.submit(register("r3", 0))).isInstanceOf(InjectedCrash.class);
        }
        try (Engine v1 = engine(store, V1, FaultInjector.NONE, null)) {
            Response response = v1.submit(register("r3", 1));

            assertThat(response.errorType()).isEqualTo(NondeterminismException.class.getName());
            assertThat(response.errorMessage()).contains("step 1", "Deterministic.version(\"welcome-bonus\")");
            assertThat(new Inspector(store, CODEC).requests(r -> true, false, 10))
                    .extracting(Inspector.Request::id, Inspector.Request::status)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("r3", Inspector.Status.QUARANTINED));
        }
    }

    private static List<String> journalOps(Store store, String id) {
        return new Inspector(store, CODEC)
                .request(id)
                .map(detail -> detail.journal().stream().map(Inspector.Step::op).toList())
                .orElse(List.of());
    }

    private static Invocation register(String id, int attempt) {
        return new Invocation(id, "Signup", "register", "[\"ann\"]".getBytes(UTF_8), attempt);
    }

    private static FaultInjector crashAt(CrashPoint point) {
        return crashAt(point, 1, new AtomicBoolean());
    }

    /** Crashes the first delivery the {@code nth} time it reaches {@code point}. */
    private static FaultInjector crashAt(CrashPoint point, int nth, AtomicBoolean crashed) {
        AtomicInteger hits = new AtomicInteger();
        return (at, invocation, step) -> {
            if (at == point && invocation.attempt() == 0 && hits.incrementAndGet() == nth) {
                crashed.set(true);
                throw new InjectedCrash(point, invocation + " step " + step);
            }
        };
    }

    private static Engine engine(
            Store store, ServiceDefinition service, FaultInjector faults, RecordedChoices listener) {
        Engine.Builder builder = Engine.builder()
                .store(store)
                .codec(CODEC)
                .faults(faults)
                .services(List.of(service))
                .transport(invocation -> {
                    throw new AssertionError("no calls expected: " + invocation);
                });
        if (listener != null) {
            builder.listener(listener);
        }
        return builder.build();
    }
}
