package dev.mu2sls.examples.media;

import java.time.Instant;

/**
 * A review while {@link ComposeReview} collects its five parts: the registration (request id and
 * timestamp) and the four uploads. A part not uploaded yet is {@code null}.
 */
public record Draft(
        String requestId,
        Instant timestamp,
        String reviewId,
        Long userId,
        String movieId,
        Integer rating,
        String text) {

    static Draft registered(String requestId, Instant timestamp) {
        return new Draft(requestId, timestamp, null, null, null, null, null);
    }

    Draft withReviewId(String id) {
        requireAbsent(reviewId, "review id");
        return new Draft(requestId, timestamp, id, userId, movieId, rating, text);
    }

    Draft withUserId(long id) {
        requireAbsent(userId, "user id");
        return new Draft(requestId, timestamp, reviewId, id, movieId, rating, text);
    }

    Draft withMovie(String id, int stars) {
        requireAbsent(movieId, "movie id");
        return new Draft(requestId, timestamp, reviewId, userId, id, stars, text);
    }

    Draft withText(String body) {
        requireAbsent(text, "text");
        return new Draft(requestId, timestamp, reviewId, userId, movieId, rating, body);
    }

    /** Whether all four uploads have arrived (the registration made the draft). */
    boolean complete() {
        return reviewId != null && userId != null && movieId != null && text != null;
    }

    Review review() {
        return new Review(reviewId, userId, movieId, rating, text, timestamp);
    }

    private void requireAbsent(Object part, String name) {
        if (part != null) {
            throw new IllegalStateException("request " + requestId + " already has its " + name + " (" + part
                    + "); each part is uploaded once");
        }
    }
}
