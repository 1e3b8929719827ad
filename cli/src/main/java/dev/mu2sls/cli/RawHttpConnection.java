package dev.mu2sls.cli;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.Locale;

/**
 * One HTTP/1.1 keep-alive connection on a plain blocking socket, for one load-generating client
 * (a virtual thread) at a time: writes a POST, reads the status, the headers it needs and the
 * body (by {@code Content-Length} or chunked). {@code java.net.http} hands every exchange between
 * threads and builds far more objects; on a 2-core machine shared with the platform measured,
 * the generator's CPU is taken from the platform, so the generator must cost little (see
 * "HTTP functions and platforms" in docs/architecture.md for the comparison with wrk).
 *
 * <p>Reconnects when the server closed the connection; a request is sent again on a fresh
 * connection only when the old one failed before any byte of the reply arrived (a keep-alive
 * connection the server had closed while idle), which is safe anyway with an idempotency key.
 */
final class RawHttpConnection implements AutoCloseable {
    /** A reply: status and body. */
    record Reply(int status, String body) {}

    private static final int MAX_HEADER_LINE = 16 * 1024;

    private final String host;
    private final int port;
    private final int timeoutMillis;
    private final byte[] hostHeader;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    RawHttpConnection(URI base, int timeoutMillis) {
        if (!"http".equals(base.getScheme())) {
            throw new IllegalArgumentException("only http:// gateways are supported: " + base);
        }
        this.host = base.getHost();
        this.port = base.getPort() == -1 ? 80 : base.getPort();
        this.timeoutMillis = timeoutMillis;
        this.hostHeader = ("Host: " + host + ":" + port + "\r\n").getBytes(ISO_8859_1);
    }

    /** POSTs {@code body} to {@code path} with the given {@code Idempotency-Key}. */
    Reply post(String path, String idempotencyKey, String body) throws IOException {
        byte[] content = body.getBytes(UTF_8);
        ByteArrayOutputStream request = new ByteArrayOutputStream(256 + content.length);
        request.writeBytes(("POST " + path + " HTTP/1.1\r\n").getBytes(ISO_8859_1));
        request.writeBytes(hostHeader);
        request.writeBytes(("Idempotency-Key: " + idempotencyKey
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + content.length + "\r\n\r\n")
                .getBytes(ISO_8859_1));
        request.writeBytes(content);
        byte[] bytes = request.toByteArray();
        boolean fresh = socket == null;
        try {
            return exchange(bytes);
        } catch (IOException e) {
            close();
            if (fresh || !(e instanceof NothingReceived)) {
                throw e;
            }
            return exchange(bytes); // the idle keep-alive connection was closed by the server
        }
    }

    private Reply exchange(byte[] request) throws IOException {
        if (socket == null) {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.setSoTimeout(timeoutMillis);
            s.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket = s;
            in = new BufferedInputStream(s.getInputStream(), 8192);
            out = s.getOutputStream();
        }
        String statusLine;
        try {
            out.write(request);
            out.flush();
            statusLine = line();
        } catch (IOException e) {
            throw new NothingReceived(e);
        }
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            throw new IOException("not an HTTP/1.x status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean closeAfter = statusLine.startsWith("HTTP/1.0");
        for (String header; !(header = line()).isEmpty(); ) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" ->
                    chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> closeAfter = value.equalsIgnoreCase("close");
                default -> {}
            }
        }
        byte[] body;
        if (chunked) {
            ByteArrayOutputStream chunks = new ByteArrayOutputStream();
            while (true) {
                String size = line();
                int semicolon = size.indexOf(';');
                int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                if (n == 0) {
                    while (!line().isEmpty()) {
                        // trailers
                    }
                    break;
                }
                chunks.writeBytes(in.readNBytes(n));
                line();
            }
            body = chunks.toByteArray();
        } else if (length >= 0) {
            body = in.readNBytes((int) length);
            if (body.length != length) {
                throw new EOFException("the connection closed " + body.length + " bytes into a body of " + length);
            }
        } else {
            body = in.readAllBytes();
            closeAfter = true;
        }
        if (closeAfter) {
            close();
        }
        return new Reply(status, new String(body, UTF_8));
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the connection closed mid-reply");
            }
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            if (line.length() >= MAX_HEADER_LINE) {
                throw new IOException("a reply line over " + MAX_HEADER_LINE + " bytes");
            }
            line.append((char) b);
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
        }
    }

    /** The connection ended before the first byte of the reply. */
    private static final class NothingReceived extends EOFException {
        private static final long serialVersionUID = 1L;

        NothingReceived(IOException cause) {
            super("the connection failed before the reply: " + cause.getMessage());
            initCause(cause);
        }
    }
}
