package dev.mu2sls.core;

/** A client request's acceptance record ({@code Engine.submit}, {@code Engine.recover}). */
enum Acceptance {
    /** Not a client request ({@code Engine.invoke}): its caller re-drives it. */
    NONE,
    /**
     * A client request's first delivery: nothing of it is durable yet, and its acceptance
     * record is written with its first persisted effect (a segment, or the acceptance alone
     * before a call leaves). A request whose first persist is its completion never needs one.
     * Until then a crash leaves no trace of the request, as if it had never arrived: the
     * platform's or the client's retry runs it.
     */
    PENDING,
    /** The acceptance record is written: the completion deletes it. */
    RECORDED
}
