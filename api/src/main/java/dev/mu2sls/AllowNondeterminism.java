package dev.mu2sls;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The one escape hatch from the annotation processor's nondeterminism checks: the annotated
 * method, constructor or field may use the JDK's clocks, random sources, threads or I/O.
 *
 * <p>Whatever such code computes is <em>not</em> journaled: a re-execution computes it again and
 * may get another value. Use it only for values that do not influence state, calls or responses
 * (logging, metrics), and say why in {@link #value()}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD, ElementType.TYPE})
public @interface AllowNondeterminism {
    /** Why this use is safe. */
    String value();
}
