package dev.mu2sls.examples.media;

import java.time.Instant;

/** A composed movie review, as {@link ReviewStorage} keeps it. */
public record Review(String reviewId, long userId, String movieId, int rating, String text, Instant timestamp) {}
