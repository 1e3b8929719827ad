package dev.mu2sls.examples.media;

import dev.mu2sls.DurableFuture;
import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;
import dev.mu2sls.Transaction;
import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * W4: collects the five parts of a review — the registration and four uploads, which arrive
 * concurrently — and, when the last one arrives, publishes the review to {@link ReviewStorage},
 * {@link UserReview} and {@link MovieReview} in one transaction.
 */
@Service
public class ComposeReview {
    private final PersistentMap<String, Draft> drafts;
    private final ReviewStorageClient storage = new ReviewStorageClient();
    private final UserReviewClient userReviews = new UserReviewClient();
    private final MovieReviewClient movieReviews = new MovieReviewClient();

    public ComposeReview(State state) {
        drafts = state.map("drafts", String.class, Draft.class);
    }

    /**
     * Registers the review being composed under {@code requestId}: the first of its five parts.
     *
     * @throws IllegalStateException if the request id is already registered
     */
    public void register(String requestId, Instant timestamp) {
        if (drafts.contains(requestId)) {
            throw new IllegalStateException("request " + requestId + " is already registered");
        }
        drafts.put(requestId, Draft.registered(requestId, timestamp));
    }

    /**
     * Uploads the review id (from {@link UniqueId}). Each upload adds one part to the draft; the
     * one that completes it publishes the review.
     *
     * @throws IllegalStateException if the request is not registered or already has this part
     */
    public void uploadUniqueId(String requestId, String reviewId) {
        upload(requestId, "review id", draft -> draft.withReviewId(reviewId));
    }

    /** Uploads the author's user id (from {@link User}). */
    public void uploadUserId(String requestId, long userId) {
        upload(requestId, "user id", draft -> draft.withUserId(userId));
    }

    /** Uploads the movie id and the rating (from {@link MovieId}). */
    public void uploadMovie(String requestId, String movieId, int rating) {
        upload(requestId, "movie id", draft -> draft.withMovie(movieId, rating));
    }

    /** Uploads the review text (from {@link Text}). */
    public void uploadText(String requestId, String text) {
        upload(requestId, "text", draft -> draft.withText(text));
    }

    /** The draft still being composed under {@code requestId}, or {@code null} (unknown or published). */
    public Draft draft(String requestId) {
        return drafts.get(requestId);
    }

    private void upload(String requestId, String part, UnaryOperator<Draft> addPart) {
        // No call between the read and the write (or remove) of the draft: the engine applies them
        // atomically, validated against the concurrent uploads, so exactly one upload completes it.
        Draft draft = drafts.get(requestId);
        if (draft == null) {
            throw new IllegalStateException("request " + requestId + " has no draft to add its " + part
                    + " to: register it first (or it was already published)");
        }
        Draft updated = addPart.apply(draft);
        if (!updated.complete()) {
            drafts.put(requestId, updated);
            return;
        }
        drafts.remove(requestId);
        Review review = updated.review();
        Transaction.run(tx -> {
            DurableFuture.all(
                    storage.async().store(review),
                    userReviews.async().append(review.userId(), review.reviewId(), review.timestamp()),
                    movieReviews.async().append(review.movieId(), review.reviewId(), review.timestamp()));
            return review.reviewId();
        });
    }
}
