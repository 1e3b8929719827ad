package dev.mu2sls.examples.media;

import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;

/** W4: composed reviews by review id. */
@Service
public class ReviewStorage {
    private final PersistentMap<String, Review> reviews;

    public ReviewStorage(State state) {
        reviews = state.map("reviews", String.class, Review.class);
    }

    public void store(Review review) {
        reviews.put(review.reviewId(), review);
    }

    /** The review with id {@code reviewId}, or {@code null}. */
    public Review get(String reviewId) {
        return reviews.get(reviewId);
    }
}
