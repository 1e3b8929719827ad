package dev.mu2sls.spi;

/** A runtime's handle on an asynchronous call in flight; opaque to service code. */
public interface PendingCall {
    /** The method being called, for messages. */
    MethodRef method();
}
