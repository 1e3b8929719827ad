package dev.mu2sls.spi;

/** A runtime's handle on a transaction, wrapped by {@link dev.mu2sls.Transaction}. */
public interface TransactionHandle {
    String id();

    boolean isOpen();
}
