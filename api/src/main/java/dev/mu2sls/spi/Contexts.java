package dev.mu2sls.spi;

import java.lang.invoke.MethodHandles;

/**
 * The execution context of the request running on the current thread: generated code reads it
 * with {@link #current()}, a runtime binds it with {@link #runAs}. Runtime internals; service code
 * never touches it (the annotation processor rejects {@code @Service} code that uses
 * {@code dev.mu2sls.spi}).
 *
 * <h2>Who can bind</h2>
 * The scoped value itself is private, and a context binds only itself: {@link #runAs} takes the
 * caller's {@link MethodHandles.Lookup} with full privilege access, which only a class can make
 * for itself ({@code MethodHandles.lookup()}), and refuses one whose class the context is not an
 * instance of. So no code but the runtime's own context can put that context on a thread, and
 * nothing can replace the binding a runtime made for the code it runs except for a nested scope
 * of its own. (A lookup costs nothing per call, unlike walking the stack for the caller.)
 */
public final class Contexts {
    private static final ScopedValue<ExecutionContext> CURRENT = ScopedValue.newInstance();

    private Contexts() {}

    /**
     * The context of the executing request.
     *
     * @throws IllegalStateException outside a service execution
     */
    public static ExecutionContext current() {
        if (!CURRENT.isBound()) {
            throw new IllegalStateException(
                    "no service execution on this thread: generated clients, DurableFuture and Deterministic "
                            + "work only inside a service method run by a mu2sls runtime (simulator, HTTP, Lambda) "
                            + "or the spec runner");
        }
        return CURRENT.get();
    }

    /**
     * Runs {@code body} with {@code context} bound as {@link #current()}; for a runtime's context
     * to bind itself around a handler invocation ({@code Contexts.runAs(SELF, this, () -> ...)},
     * with {@code SELF = MethodHandles.lookup()} a constant of the context's class).
     *
     * @param self the caller's own lookup, with full privilege access
     * @throws IllegalStateException if {@code self} lacks full privilege access or {@code context}
     *     is not an instance of its class: a context binds only itself
     */
    public static <T, X extends Throwable> T runAs(
            MethodHandles.Lookup self, ExecutionContext context, ScopedValue.CallableOp<? extends T, X> body) throws X {
        if (!self.hasFullPrivilegeAccess() || !self.lookupClass().isInstance(context)) {
            throw new IllegalStateException("an execution context binds only itself: "
                    + self.lookupClass().getName() + " cannot bind a "
                    + context.getClass().getName());
        }
        return ScopedValue.where(CURRENT, context).call(body);
    }
}
