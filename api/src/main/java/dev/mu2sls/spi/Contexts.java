package dev.mu2sls.spi;

/**
 * Where the runtime binds the execution context of the request running on the current thread.
 * Runtime internals; service code never touches it.
 */
public final class Contexts {
    /** Bound by a runtime around each handler invocation. */
    public static final ScopedValue<ExecutionContext> CURRENT = ScopedValue.newInstance();

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
}
