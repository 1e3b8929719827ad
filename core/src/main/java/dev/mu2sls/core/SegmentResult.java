package dev.mu2sls.core;

/**
 * How one segment commit went (DESIGN §4): committed, or refused, with what the execution does
 * about it ({@link #stop()}).
 *
 * @param <T> what a committed segment yields (a transaction's end, say)
 */
sealed interface SegmentResult<T> {

    /** Applied; {@code value} is what the segment's effect yields. */
    record Committed<T>(T value) implements SegmentResult<T> {}

    /** Another execution completed the request with {@code response}: this one is a zombie (G1). */
    record Fenced<T>(Response response) implements SegmentResult<T> {}

    /** Another execution journaled further: replay from the store's journal. */
    record Diverged<T>() implements SegmentResult<T> {}

    /** A value the segment read changed: replay from this execution's journal. */
    record Conflict<T>() implements SegmentResult<T> {}

    /** Past the execution's deadline (A6): it persists nothing more. */
    record Expired<T>() implements SegmentResult<T> {}

    /**
     * This very execution completed the request: its commit landed, the reply was lost and the
     * store ran the body again. A completion is done; any other segment replays and finds it.
     */
    record AlreadyCompleted<T>() implements SegmentResult<T> {}

    /** What stops an execution whose segment was refused. */
    default ControlFlow stop() {
        return switch (this) {
            case Committed<T> committed ->
                throw new IllegalStateException("a committed segment does not stop its execution");
            case Fenced<T> fenced -> new ControlFlow.Fenced(fenced.response());
            // a persist that landed though its reply was lost: the replay finds it journaled
            case Diverged<T> diverged -> new ControlFlow.ReplayRequired(true);
            case AlreadyCompleted<T> completed -> new ControlFlow.ReplayRequired(true);
            case Conflict<T> conflict -> new ControlFlow.ReplayRequired(false);
            case Expired<T> expired -> new ControlFlow.Expired();
        };
    }
}
