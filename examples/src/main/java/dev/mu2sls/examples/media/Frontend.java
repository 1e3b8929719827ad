package dev.mu2sls.examples.media;

import dev.mu2sls.Deterministic;
import dev.mu2sls.DurableFuture;
import dev.mu2sls.Service;

/**
 * W4 media: the paper's movie-review service (DeathStarBench's media microservices). Composing
 * a review logs the user in, registers a request with {@link ComposeReview}, then fans out four
 * async calls — {@link UniqueId}, {@link User}, {@link MovieId}, {@link Text} — that each upload
 * one part of the review to it; the last part to arrive publishes the review.
 *
 * <p>Service names route calls, so they are unique per application build; this one is named
 * {@code MediaFrontend} because W5 has a {@code Frontend} too.
 */
@Service(name = "MediaFrontend")
public class Frontend {
    public static final int MIN_RATING = 0;
    public static final int MAX_RATING = 10;
    public static final int MAX_TEXT_LENGTH = 10_000;

    private final UserClient users = new UserClient();
    private final MovieIdClient movies = new MovieIdClient();
    private final UniqueIdClient uniqueId = new UniqueIdClient();
    private final TextClient texts = new TextClient();
    private final ComposeReviewClient composeReview = new ComposeReviewClient();

    /**
     * Composes a review of the movie titled {@code title} by {@code username} and returns the new
     * review's id. When it returns, the review is in {@link ReviewStorage} and listed by
     * {@link UserReview} and {@link MovieReview}.
     *
     * @throws IllegalArgumentException if the username or title is missing, the rating is out of
     *     range, the text is blank or too long, the login fails (unknown user or wrong password) or the title is unknown; then
     *     nothing has changed
     */
    public String compose(String username, String password, String title, int rating, String text) {
        if (username == null || title == null) {
            throw new IllegalArgumentException("username and title are required: got " + username + ", " + title);
        }
        if (rating < MIN_RATING || rating > MAX_RATING) {
            throw new IllegalArgumentException(
                    "rating must be between " + MIN_RATING + " and " + MAX_RATING + ": " + rating);
        }
        if (text == null || text.isBlank() || text.length() > MAX_TEXT_LENGTH) {
            throw new IllegalArgumentException("review text must be non-blank and at most " + MAX_TEXT_LENGTH
                    + " characters: " + (text == null ? "null" : text.length() + " characters"));
        }
        // Check everything that could fail before the first write, so a bad request changes nothing.
        DurableFuture<Boolean> login = users.async().login(username, password);
        DurableFuture<String> movieId = movies.async().lookup(title);
        boolean loggedIn = login.await();
        boolean knownMovie = movieId.await() != null;
        if (!loggedIn) {
            throw new IllegalArgumentException(
                    "login of user '" + username + "' failed: unknown user or wrong password");
        }
        if (!knownMovie) {
            throw new IllegalArgumentException(
                    "unknown movie title '" + title + "': register it with MovieId.register");
        }

        String requestId = Deterministic.uuid().toString();
        composeReview.register(requestId, Deterministic.now());
        DurableFuture<String> reviewId = uniqueId.async().upload(requestId);
        DurableFuture<Void> user = users.async().upload(requestId, username);
        DurableFuture<Void> movie = movies.async().upload(requestId, title, rating);
        DurableFuture<Void> body = texts.async().upload(requestId, text);
        DurableFuture.all(user, movie, body);
        return reviewId.await();
    }
}
