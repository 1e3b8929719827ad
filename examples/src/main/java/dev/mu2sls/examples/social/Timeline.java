package dev.mu2sls.examples.social;

import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;
import java.util.List;
import java.util.Map;

/**
 * Home timelines, written on post (fan-out on write). An entry's key is
 * {@code user/inverted-time/postId}, fixed width, so a scan returns the newest post first and a
 * delivery is a blind write that contends with nothing.
 */
@Service
public class Timeline {
    private final PersistentMap<String, Post> entries;

    public Timeline(State state) {
        entries = state.map("entries", String.class, Post.class);
    }

    /** Puts {@code post} on {@code user}'s timeline; delivering the same post again changes nothing. */
    public void deliver(String user, Post post) {
        entries.put(
                user + "/" + pad(Long.MAX_VALUE - post.at().getEpochSecond(), 19)
                        + pad(999_999_999L - post.at().getNano(), 9) + "/" + post.postId(),
                post);
    }

    /** The newest {@code limit} posts on {@code user}'s timeline, newest first. */
    public List<Post> read(String user, int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        return entries.scan(user + "/", user + "0", limit).stream()
                .map(Map.Entry::getValue)
                .toList();
    }

    private static String pad(long value, int width) {
        String digits = Long.toString(value);
        return "0".repeat(width - digits.length()) + digits;
    }
}
