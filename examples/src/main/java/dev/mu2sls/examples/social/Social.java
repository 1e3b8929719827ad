package dev.mu2sls.examples.social;

import dev.mu2sls.Deterministic;
import dev.mu2sls.DurableFuture;
import dev.mu2sls.Service;
import java.util.ArrayList;
import java.util.List;

/**
 * A social network's front end: posting stores the post, then delivers it to the home timeline
 * of the author and of every follower with one async call each; reading a timeline returns the
 * newest posts. Follow and unfollow go to {@link SocialGraph}.
 */
@Service
public class Social {
    public static final int MAX_POST_LENGTH = 280;
    public static final int TIMELINE_PAGE = 50;

    private final SocialGraphClient graph = new SocialGraphClient();
    private final PostStorageClient posts = new PostStorageClient();
    private final TimelineClient timelines = new TimelineClient();

    /**
     * Posts {@code text} as {@code author}; returns the post once it is on every follower's timeline.
     *
     * @throws IllegalArgumentException if the author's name is invalid or the text is blank or
     *     longer than {@value #MAX_POST_LENGTH} characters; then nothing has changed
     */
    public Post post(String author, String text) {
        SocialGraph.requireName(author);
        if (text == null || text.isBlank() || text.length() > MAX_POST_LENGTH) {
            throw new IllegalArgumentException("post text must be non-blank and at most " + MAX_POST_LENGTH
                    + " characters: " + (text == null ? "null" : text.length() + " characters"));
        }
        Post post = new Post(Deterministic.uuid().toString(), author, text, Deterministic.now());
        posts.store(post);
        List<DurableFuture<Void>> deliveries = new ArrayList<>();
        deliveries.add(timelines.async().deliver(author, post));
        for (String follower : graph.followers(author)) {
            deliveries.add(timelines.async().deliver(follower, post));
        }
        DurableFuture.all(deliveries);
        return post;
    }

    /** The newest {@value #TIMELINE_PAGE} posts by {@code user} and by those they followed when the posts were made. */
    public List<Post> timeline(String user) {
        SocialGraph.requireName(user);
        return timelines.read(user, TIMELINE_PAGE);
    }
}
