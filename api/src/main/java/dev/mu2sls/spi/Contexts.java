package dev.mu2sls.spi;

/**
 * The execution context of the request running on the current thread: generated code reads it
 * with {@link #current()}, a runtime binds it with {@link #runAs}. Runtime internals; service code
 * never touches it (the annotation processor rejects {@code @Service} code that uses
 * {@code dev.mu2sls.spi}).
 *
 * <h2>Who can bind</h2>
 * The scoped value itself is private, and a context binds only itself: {@link #runAs} refuses a
 * caller that is not an instance of the context's class. So no code but the runtime's own context
 * can put that context on a thread, and nothing can replace the binding a runtime made for the
 * code it runs except for a nested scope of its own.
 */
public final class Contexts {
    private static final ScopedValue<ExecutionContext> CURRENT = ScopedValue.newInstance();
    private static final StackWalker CALLER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

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
     * to bind itself around a handler invocation ({@code Contexts.runAs(this, () -> ...)}).
     *
     * @throws IllegalStateException if the caller is not {@code context}'s own class (or a class
     *     {@code context} is an instance of): a context binds only itself
     */
    public static <T, X extends Throwable> T runAs(
            ExecutionContext context, ScopedValue.CallableOp<? extends T, X> body) throws X {
        Class<?> caller = CALLER.getCallerClass();
        if (!caller.isInstance(context)) {
            throw new IllegalStateException("an execution context binds only itself: " + caller.getName()
                    + " cannot bind a " + context.getClass().getName());
        }
        return ScopedValue.where(CURRENT, context).call(body);
    }
}
