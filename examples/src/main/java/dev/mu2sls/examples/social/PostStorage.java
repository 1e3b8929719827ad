package dev.mu2sls.examples.social;

import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;

/** Posts by id. */
@Service
public class PostStorage {
    private final PersistentMap<String, Post> posts;

    public PostStorage(State state) {
        posts = state.map("posts", String.class, Post.class);
    }

    public void store(Post post) {
        posts.put(post.postId(), post);
    }

    /** The post with id {@code postId}, or {@code null}. */
    public Post get(String postId) {
        return posts.get(postId);
    }
}
