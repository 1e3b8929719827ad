package dev.mu2sls.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * Reads a request body as it arrives, without a waiting thread, up to a limit: past it, reading
 * stops and the body is reported too large (the server then answers 413 and closes the connection).
 * {@link #run} reads what has arrived and asks to be run again when more does.
 */
final class BodyReader implements Runnable, Invocable {
    /** What a read body is handed to: the bytes (empty when too large) and whether it was. */
    interface Sink {
        void read(byte[] body, boolean tooLarge);
    }

    private final Request request;
    private final int maxBodyBytes;
    private final Sink sink;
    private final Consumer<Throwable> failed;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    BodyReader(Request request, int maxBodyBytes, Sink sink, Consumer<Throwable> failed) {
        this.request = request;
        this.maxBodyBytes = maxBodyBytes;
        this.sink = sink;
        this.failed = failed;
    }

    @Override
    public void run() {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                failed.accept(chunk.getFailure());
                return;
            }
            boolean tooLarge = body.size() + chunk.remaining() > maxBodyBytes;
            if (!tooLarge) {
                ByteBuffer bytes = chunk.getByteBuffer();
                if (bytes.hasArray()) {
                    body.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
                } else {
                    byte[] copy = new byte[bytes.remaining()];
                    bytes.get(copy);
                    body.writeBytes(copy);
                }
            }
            boolean last = chunk.isLast();
            chunk.release();
            if (tooLarge) {
                sink.read(new byte[0], true);
                return;
            }
            if (last) {
                sink.read(body.toByteArray(), false);
                return;
            }
        }
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }
}
