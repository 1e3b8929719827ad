package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mu2sls.InvalidRequestException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decisions a persisting execution takes from its request's record and its deadline, as a
 * table: request record, the execution's persisted steps and token → admitted, or why not.
 */
class FenceTest {
    static final Invocation INVOCATION = new Invocation("r1", "Hotel", "reserve", "[\"h1\"]".getBytes(UTF_8), 0);
    static final byte[] DIGEST = RequestRecord.digestOf(INVOCATION);
    static final byte[] OTHER_DIGEST =
            RequestRecord.digestOf(new Invocation("r1", "Hotel", "reserve", "[\"h2\"]".getBytes(UTF_8), 0));
    static final long TOKEN = 41;
    static final Response ANSWER = Response.success("42".getBytes(UTF_8));

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("no record, nothing persisted: admitted", null, 0, null),
                Arguments.of(
                        "no record, but this execution persisted steps: another got further",
                        null,
                        3,
                        new SegmentResult.Diverged<>()),
                Arguments.of(
                        "running with no steps, nothing persisted: admitted",
                        new RequestRecord.Running(DIGEST, 0, null, 0),
                        0,
                        null),
                Arguments.of(
                        "running as this execution left it: admitted",
                        new RequestRecord.Running(DIGEST, 3, null, 0),
                        3,
                        null),
                Arguments.of(
                        "running with a longer journal: diverged",
                        new RequestRecord.Running(DIGEST, 5, null, 0),
                        3,
                        new SegmentResult.Diverged<>()),
                Arguments.of(
                        "running with a shorter journal: diverged",
                        new RequestRecord.Running(DIGEST, 2, null, 0),
                        3,
                        new SegmentResult.Diverged<>()),
                Arguments.of(
                        "running in format 0 (no digest), same length: admitted",
                        new RequestRecord.Running(null, 3, null, 0),
                        3,
                        null),
                Arguments.of(
                        "completed by another execution: fenced with its response",
                        new RequestRecord.Completed(DIGEST, 5, 99, false, ANSWER, null),
                        3,
                        new SegmentResult.Fenced<>(ANSWER)),
                Arguments.of(
                        "completed by this very execution (its reply was lost): already completed",
                        new RequestRecord.Completed(DIGEST, 5, TOKEN, false, ANSWER, null),
                        3,
                        new SegmentResult.AlreadyCompleted<>()),
                Arguments.of(
                        "completed in format 0 (no digest, no token): fenced",
                        new RequestRecord.Completed(null, 5, 0, false, ANSWER, null),
                        0,
                        new SegmentResult.Fenced<>(ANSWER)),
                Arguments.of(
                        "quarantined: fenced with the report",
                        new RequestRecord.Completed(
                                DIGEST, 5, 0, true, Response.failure(Engine.QUARANTINED, "why"), null),
                        2,
                        new SegmentResult.Fenced<>(Response.failure(Engine.QUARANTINED, "why"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusal_recordAndPersistedSteps_decides(
            String name, RequestRecord record, int base, SegmentResult<Void> expected) {
        assertThat(Fence.<Void>refusal(record, INVOCATION, DIGEST, TOKEN, base)).isEqualTo(expected);
    }

    static Stream<Arguments> reusedIds() {
        return Stream.of(
                Arguments.of("running", new RequestRecord.Running(OTHER_DIGEST, 0, null, 0)),
                Arguments.of("completed", new RequestRecord.Completed(OTHER_DIGEST, 5, TOKEN, false, ANSWER, null)));
    }

    @ParameterizedTest(name = "record of another request, {0}: refused as a reused id")
    @MethodSource("reusedIds")
    void refusal_recordOfAnotherRequest_throwsReusedId(String name, RequestRecord record) {
        assertThatThrownBy(() -> Fence.refusal(record, INVOCATION, DIGEST, TOKEN, 0))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.reason())
                        .isEqualTo(InvalidRequestException.Reason.IDEMPOTENCY_KEY_REUSED))
                .hasMessageContaining("request id 'r1' was already used for another request");
    }

    @Test
    void expired_atAndAfterTheDeadline_notBefore() {
        assertThat(Fence.expired(999, 1000)).isFalse();
        assertThat(Fence.expired(1000, 1000)).isTrue();
        assertThat(Fence.expired(1001, 1000)).isTrue();
    }

    static Stream<Arguments> stops() {
        return Stream.of(
                Arguments.of(new SegmentResult.Diverged<>(), true),
                Arguments.of(new SegmentResult.AlreadyCompleted<>(), true),
                Arguments.of(new SegmentResult.Conflict<>(), false));
    }

    @ParameterizedTest(name = "{0} replays, reloading the journal: {1}")
    @MethodSource("stops")
    void stop_replayingResults_replayFromTheRightJournal(SegmentResult<Void> result, boolean reload) {
        assertThat(result.stop())
                .isInstanceOfSatisfying(ControlFlow.ReplayRequired.class, replay -> assertThat(replay.reload)
                        .isEqualTo(reload));
    }

    @Test
    void stop_fenced_carriesTheRecordedResponse() {
        assertThat(new SegmentResult.Fenced<Void>(ANSWER).stop())
                .isInstanceOfSatisfying(ControlFlow.Fenced.class, fenced -> assertThat(fenced.response)
                        .isEqualTo(ANSWER));
    }

    @Test
    void stop_expired_stopsAsExpired() {
        assertThat(new SegmentResult.Expired<Void>().stop()).isInstanceOf(ControlFlow.Expired.class);
    }

    @Test
    void stop_committed_isABadState() {
        assertThatThrownBy(() -> new SegmentResult.Committed<>("x").stop()).isInstanceOf(IllegalStateException.class);
    }
}
