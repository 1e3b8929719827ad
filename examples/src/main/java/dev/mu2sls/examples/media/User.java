package dev.mu2sls.examples.media;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.Deterministic;
import dev.mu2sls.PersistentMap;
import dev.mu2sls.PersistentValue;
import dev.mu2sls.Service;
import dev.mu2sls.State;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * W4: registered users, their salted password hashes and login; uploads the author's user id of
 * a review being composed.
 *
 * <p>Passwords are stored as SHA-256 of a per-user random salt and the password, as
 * DeathStarBench does; a production service would use a slow key-derivation function instead.
 */
@Service
public class User {
    private final PersistentMap<String, Profile> profiles;
    private final PersistentValue<Long> lastUserId;
    private final ComposeReviewClient composeReview = new ComposeReviewClient();

    public User(State state) {
        profiles = state.map("profiles", String.class, Profile.class);
        lastUserId = state.value("lastUserId", Long.class);
    }

    /**
     * Registers a user and returns the new user id (1, 2, ...).
     *
     * @throws IllegalArgumentException if the username is blank or taken, or the password is empty
     */
    public long register(String username, String firstName, String lastName, String password) {
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException("username must not be blank: '" + username + "'");
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("password of user '" + username + "' must not be empty");
        }
        if (profiles.contains(username)) {
            throw new IllegalArgumentException("username '" + username + "' is already registered");
        }
        long userId = lastUserId.getOrDefault(0L) + 1;
        lastUserId.set(userId);
        String salt = Deterministic.uuid().toString();
        profiles.put(username, new Profile(userId, username, firstName, lastName, salt, hash(salt, password)));
        return userId;
    }

    /** Whether {@code username} is registered and {@code password} is theirs. Changes nothing. */
    public boolean login(String username, String password) {
        Profile profile = username == null ? null : profiles.get(username);
        return profile != null
                && password != null
                && MessageDigest.isEqual(
                        profile.passwordHash().getBytes(UTF_8),
                        hash(profile.salt(), password).getBytes(UTF_8));
    }

    /** The user id of {@code username}, or {@code null} when not registered. */
    public Long userId(String username) {
        Profile profile = profiles.get(username);
        return profile == null ? null : profile.userId();
    }

    /**
     * Uploads the user id of {@code username} to the review being composed under {@code requestId}.
     *
     * @throws IllegalArgumentException if the user is not registered
     */
    public void upload(String requestId, String username) {
        Profile profile = profiles.get(username);
        if (profile == null) {
            throw new IllegalArgumentException("unknown user '" + username + "'");
        }
        composeReview.uploadUserId(requestId, profile.userId());
    }

    private static String hash(String salt, String password) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest((salt + ":" + password).getBytes(UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A registered user; the password only as a salted hash. */
    public record Profile(
            long userId, String username, String firstName, String lastName, String salt, String passwordHash) {}
}
