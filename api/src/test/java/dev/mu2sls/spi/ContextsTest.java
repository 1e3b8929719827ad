package dev.mu2sls.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.invoke.MethodHandles;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ContextsTest {

    @Test
    void runAs_contextBindingItself_isCurrentInsideOnly() throws Exception {
        FixedContext context = new FixedContext(7);
        assertThat(context.bound(() -> Contexts.current().randomSeed())).isEqualTo(7);
        assertThatThrownBy(Contexts::current)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no service execution on this thread");
    }

    @Test
    void runAs_anotherClassBindingAContext_isRefused() {
        FixedContext engines = new FixedContext(7);
        assertThatThrownBy(() -> Contexts.runAs(MethodHandles.lookup(), engines, () -> "rebound"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("an execution context binds only itself: " + ContextsTest.class.getName()
                        + " cannot bind a " + FixedContext.class.getName());
    }

    @Test
    void runAs_theContextsOwnLookupWithoutPrivateAccess_isRefused() {
        FixedContext context = new FixedContext(7);
        MethodHandles.Lookup weakened = context.lookup().dropLookupMode(MethodHandles.Lookup.PRIVATE);
        assertThatThrownBy(() -> Contexts.runAs(weakened, context, () -> "bound"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("binds only itself");
    }

    @Test
    void runAs_codeRunningUnderAContext_cannotRebindItToAnother() throws Exception {
        FixedContext outer = new FixedContext(1);
        FixedContext other = new FixedContext(2);
        Object seen = outer.bound(() -> {
            assertThatThrownBy(() -> Contexts.runAs(MethodHandles.lookup(), other, () -> "rebound"))
                    .isInstanceOf(IllegalStateException.class);
            return Contexts.current().randomSeed();
        });
        assertThat(seen).isEqualTo(1L);
    }

    /** A context whose only answer is its random seed. */
    private static final class FixedContext implements ExecutionContext {
        private final long seed;

        FixedContext(long seed) {
            this.seed = seed;
        }

        MethodHandles.Lookup lookup() {
            return MethodHandles.lookup();
        }

        <T> T bound(ScopedValue.CallableOp<T, Exception> body) throws Exception {
            return Contexts.runAs(MethodHandles.lookup(), this, body);
        }

        @Override
        public long randomSeed() {
            return seed;
        }

        @Override
        public Object effect(String name, java.lang.reflect.Type type, dev.mu2sls.RetryPolicy policy, EffectBody body) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String requestId() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Object call(MethodRef method, Object[] args) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PendingCall callAsync(MethodRef method, Object[] args) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Object await(PendingCall call) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int awaitAny(List<PendingCall> calls) {
            throw new UnsupportedOperationException();
        }

        @Override
        public UUID uuid() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant now() {
            throw new UnsupportedOperationException();
        }

        @Override
        public TransactionHandle currentTransaction() {
            throw new UnsupportedOperationException();
        }

        @Override
        public TransactionHandle beginTransaction() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void commitTransaction(TransactionHandle transaction) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void abortTransaction(TransactionHandle transaction) {
            throw new UnsupportedOperationException();
        }
    }
}
