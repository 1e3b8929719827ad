package dev.mu2sls.examples.effects;

/** A payment the provider refuses for good: retrying does not help. */
public final class CardDeclinedException extends RuntimeException {
    public CardDeclinedException(String message) {
        super(message);
    }
}
