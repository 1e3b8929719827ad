package dev.mu2sls.examples.media;

import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;

/** W4: maps movie titles to movie ids; uploads the movie id and rating of a review being composed. */
@Service
public class MovieId {
    private final PersistentMap<String, String> ids;
    private final ComposeReviewClient composeReview = new ComposeReviewClient();

    public MovieId(State state) {
        ids = state.map("ids", String.class, String.class);
    }

    /**
     * Registers {@code title} as movie {@code movieId}; registering the same pair again changes nothing.
     *
     * @throws IllegalArgumentException if the title or id is blank, the id contains '/', or the
     *     title is already registered with another id
     */
    public void register(String title, String movieId) {
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("movie title must not be blank: '" + title + "'");
        }
        if (movieId == null || movieId.isBlank() || movieId.contains("/")) {
            throw new IllegalArgumentException("movie id must be non-blank without '/': '" + movieId + "'");
        }
        String existing = ids.get(title);
        if (existing != null && !existing.equals(movieId)) {
            throw new IllegalArgumentException(
                    "movie title '" + title + "' is already registered as " + existing + ", not " + movieId);
        }
        ids.put(title, movieId);
    }

    /** The movie id of {@code title}, or {@code null} when unknown. */
    public String lookup(String title) {
        return ids.get(title);
    }

    /**
     * Uploads the movie id of {@code title} and the rating to the review being composed under
     * {@code requestId}.
     *
     * @throws IllegalArgumentException if the title is unknown
     */
    public void upload(String requestId, String title, int rating) {
        String movieId = ids.get(title);
        if (movieId == null) {
            throw new IllegalArgumentException("unknown movie title '" + title + "'");
        }
        composeReview.uploadMovie(requestId, movieId, rating);
    }
}
