package dev.mu2sls;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a service method as internal: the application's other services call it, clients cannot.
 * The gateway answers a client's call of it with 404, exactly as for a method that does not exist,
 * so its existence is not revealed. Use it for operations whose checks live in their caller.
 *
 * <pre>{@code
 * // bad: any client can POST /call/Account/withdraw ["alice", -1000] and skip Bank's checks
 * public long withdraw(String account, long amount) { ... }
 *
 * // good: only Bank (another service) can call it
 * @Internal
 * public long withdraw(String account, long amount) { ... }
 * }</pre>
 *
 * <p>{@code @Service(internal = true)} makes every method of a service internal.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Internal {}
