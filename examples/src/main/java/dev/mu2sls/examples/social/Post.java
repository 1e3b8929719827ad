package dev.mu2sls.examples.social;

import java.time.Instant;

/** A post, as stored and as delivered to timelines. */
public record Post(String postId, String author, String text, Instant at) {}
