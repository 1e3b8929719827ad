package dev.mu2sls.examples.media;

import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** W4: the ids of each user's reviews, newest first. */
@Service
public class UserReview {
    /** At most this many review ids per read. */
    public static final int PAGE = 100;

    private final PersistentMap<String, String> reviews;

    public UserReview(State state) {
        reviews = state.map("reviews", String.class, String.class);
    }

    public void append(long userId, String reviewId, Instant timestamp) {
        reviews.put(ReviewKeys.key(Long.toString(userId), timestamp, reviewId), reviewId);
    }

    /** The ids of the newest {@value #PAGE} reviews by {@code userId}, newest first. */
    public List<String> reviews(long userId) {
        String owner = Long.toString(userId);
        return reviews.scan(ReviewKeys.from(owner), ReviewKeys.to(owner), PAGE).stream()
                .map(Map.Entry::getValue)
                .toList();
    }
}
