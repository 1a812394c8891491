package nl.regie.runtime.web.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * What is left of a request body that is refused unread. A server that closes a connection with bytes of the request
 * still unread makes the kernel reset it, and the client may then lose the answer (the refusal never arrives: the
 * client sees the connection reset instead). So a refused body of moderate size is read to its end and dropped before
 * the answer; a larger one is not read, and its client should have sent {@code Expect: 100-continue}.
 */
final class RequestBodies {

    /** The most of a refused body read and dropped: what a client may reasonably send before it hears the answer. */
    static final long SWALLOW_BYTES = 1024 * 1024;

    private RequestBodies() {
    }

    /** Reads and drops the rest of the body, up to {@link #SWALLOW_BYTES} more; stops at the body's end. */
    static void swallow(InputStream body) throws IOException {
        long left = SWALLOW_BYTES;
        byte[] buffer = new byte[8192];
        int read;
        while (left > 0 && (read = body.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) {
            left -= read;
        }
    }
}
