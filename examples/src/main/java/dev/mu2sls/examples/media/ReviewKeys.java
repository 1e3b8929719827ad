package dev.mu2sls.examples.media;

import java.time.Instant;

/**
 * Keys of the per-review index entries of {@link UserReview} and {@link MovieReview}:
 * {@code owner/inverted-time/reviewId}, fixed width, so that a scan of one owner's range returns
 * the newest review first and an append is a blind write (no read, so no contention).
 */
final class ReviewKeys {
    private static final int SECONDS_DIGITS = 19;
    private static final int NANOS_DIGITS = 9;

    private ReviewKeys() {}

    static String key(String owner, Instant timestamp, String reviewId) {
        return owner + "/" + pad(Long.MAX_VALUE - timestamp.getEpochSecond(), SECONDS_DIGITS)
                + pad(999_999_999L - timestamp.getNano(), NANOS_DIGITS) + "/" + reviewId;
    }

    /** The first key of {@code owner}'s range. */
    static String from(String owner) {
        return owner + "/";
    }

    /** The key just past {@code owner}'s range ({@code '0'} follows {@code '/'}). */
    static String to(String owner) {
        return owner + "0";
    }

    private static String pad(long value, int width) {
        String digits = Long.toString(value);
        return "0".repeat(width - digits.length()) + digits;
    }
}
