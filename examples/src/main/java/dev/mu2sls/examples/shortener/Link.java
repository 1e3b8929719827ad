package dev.mu2sls.examples.shortener;

import java.time.Instant;

/** A short code and the URL it stands for; {@code custom} when the code is a user-chosen alias. */
public record Link(String code, String url, Instant created, boolean custom) {}
