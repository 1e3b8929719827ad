package dev.mu2sls.examples.media;

import dev.mu2sls.Deterministic;
import dev.mu2sls.Service;

/** W4: draws the id of a review being composed and uploads it. Stateless. */
@Service
public class UniqueId {
    private final ComposeReviewClient composeReview = new ComposeReviewClient();

    /** Draws a review id (journaled, so a re-execution uploads the same one), uploads it and returns it. */
    public String upload(String requestId) {
        String reviewId = Deterministic.uuid().toString();
        composeReview.uploadUniqueId(requestId, reviewId);
        return reviewId;
    }
}
