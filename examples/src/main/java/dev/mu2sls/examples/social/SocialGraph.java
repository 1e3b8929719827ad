package dev.mu2sls.examples.social;

import dev.mu2sls.Deterministic;
import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Who follows whom. Each edge is stored twice, by followee and by follower, in one step, so both
 * directions always agree.
 */
@Service
public class SocialGraph {
    private static final int PAGE = 1_000;

    private final PersistentMap<String, Instant> followers;
    private final PersistentMap<String, Instant> following;

    public SocialGraph(State state) {
        followers = state.map("followers", String.class, Instant.class);
        following = state.map("following", String.class, Instant.class);
    }

    /**
     * Makes {@code follower} follow {@code followee}.
     *
     * @return false if it already did (nothing changes)
     * @throws IllegalArgumentException if a name is blank or contains '/', or a user follows themselves
     */
    public boolean follow(String follower, String followee) {
        requireEdge(follower, followee);
        if (following.contains(follower + "/" + followee)) {
            return false;
        }
        Instant since = Deterministic.now();
        following.put(follower + "/" + followee, since);
        followers.put(followee + "/" + follower, since);
        return true;
    }

    /**
     * Makes {@code follower} stop following {@code followee}. Posts already delivered to the
     * follower's timeline stay there.
     *
     * @return false if it did not follow (nothing changes)
     */
    public boolean unfollow(String follower, String followee) {
        requireEdge(follower, followee);
        if (!following.contains(follower + "/" + followee)) {
            return false;
        }
        following.remove(follower + "/" + followee);
        followers.remove(followee + "/" + follower);
        return true;
    }

    /** Everyone who follows {@code user}, by name. */
    public List<String> followers(String user) {
        return names(followers, user);
    }

    /** Everyone {@code user} follows, by name. */
    public List<String> following(String user) {
        return names(following, user);
    }

    private static List<String> names(PersistentMap<String, Instant> edges, String user) {
        requireName(user);
        String prefix = user + "/";
        String end = user + "0"; // '0' follows '/'
        List<String> names = new ArrayList<>();
        List<Map.Entry<String, Instant>> page;
        String from = prefix;
        do {
            page = edges.scan(from, end, PAGE);
            for (Map.Entry<String, Instant> edge : page) {
                names.add(edge.getKey().substring(prefix.length()));
            }
            if (!page.isEmpty()) {
                from = page.getLast().getKey() + "\0";
            }
        } while (page.size() == PAGE);
        return names;
    }

    private static void requireEdge(String follower, String followee) {
        requireName(follower);
        requireName(followee);
        if (follower.equals(followee)) {
            throw new IllegalArgumentException("user '" + follower + "' cannot follow themselves");
        }
    }

    static void requireName(String user) {
        if (user == null || user.isBlank() || user.contains("/")) {
            throw new IllegalArgumentException("user name must be non-blank without '/': '" + user + "'");
        }
    }
}
