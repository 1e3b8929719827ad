package dev.mu2sls.examples.media;

import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** W4: the ids of each movie's reviews, newest first. */
@Service
public class MovieReview {
    /** At most this many review ids per read. */
    public static final int PAGE = 100;

    private final PersistentMap<String, String> reviews;

    public MovieReview(State state) {
        reviews = state.map("reviews", String.class, String.class);
    }

    public void append(String movieId, String reviewId, Instant timestamp) {
        reviews.put(ReviewKeys.key(movieId, timestamp, reviewId), reviewId);
    }

    /** The ids of the newest {@value #PAGE} reviews of {@code movieId}, newest first. */
    public List<String> reviews(String movieId) {
        return reviews.scan(ReviewKeys.from(movieId), ReviewKeys.to(movieId), PAGE).stream()
                .map(Map.Entry::getValue)
                .toList();
    }
}
