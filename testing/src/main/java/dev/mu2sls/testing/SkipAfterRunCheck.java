package dev.mu2sls.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Opts a test (or every test of a class) out of {@link AfterRunCheckExtension}: no check of the
 * simulators it builds, of the threads it leaves or of uncaught exceptions. Say why; the usual
 * reason is a test that leaves bookkeeping behind on purpose, or runs other test classes that
 * are checked on their own.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface SkipAfterRunCheck {
    /** Why this test is not checked. */
    String value();
}
