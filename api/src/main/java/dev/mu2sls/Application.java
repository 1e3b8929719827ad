package dev.mu2sls;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares the application a jar holds: a stable name (its store table: keep it across releases
 * so that {@code shop-1.0.1.jar} finds the data {@code shop-1.0.0.jar} wrote) and the version of
 * this build. Put it on one class or {@code package-info.java} of the jar; the annotation
 * processor writes it to {@value dev.mu2sls.spi.ApplicationIdentity#RESOURCE}.
 *
 * <pre>{@code
 * @Application(name = "shop", version = "1.0.1")
 * package com.example.shop;
 * }</pre>
 *
 * A jar without it is named after its file (with a warning), as before this annotation existed:
 * when adding it to a deployed application, give the name the platform printed for it.
 */
@Retention(RetentionPolicy.SOURCE)
@Target({ElementType.TYPE, ElementType.PACKAGE})
public @interface Application {
    /** Lower-case letters, digits and dashes, starting with a letter, at most 40 characters. */
    String name();

    /** Letters, digits, dots, dashes, underscores and plus signs, at most 40 characters. */
    String version();
}
