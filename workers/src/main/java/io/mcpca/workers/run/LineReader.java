package io.mcpca.workers.run;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads newline-ended lines from a stream as bytes, in place: a line is a range of this reader's buffer, valid
 * until the next {@link #next}, so reading it costs no decoding to chars and no copy (a result line is then
 * copied once, into the value the worker passes on). Not thread-safe: one reader per analyzer process.
 */
final class LineReader {

    /** Start size of the buffer: most analyzer lines (progress, small results) fit. */
    private static final int INITIAL_BYTES = 64 * 1024;
    /** A buffer grown past this for one long line is given back before the next (results go up to 6 MiB). */
    private static final int KEEP_AT_MOST_BYTES = 1024 * 1024;

    private final InputStream in;
    private byte[] buffer = new byte[INITIAL_BYTES];
    /** Unread bytes are {@code buffer[unread, filled)}. */
    private int unread;
    private int filled;
    private int lineStart;
    private int lineEnd;

    LineReader(InputStream in) {
        this.in = in;
    }

    /**
     * Reads the next line (without its {@code \n} or {@code \r\n}); false at the end of the stream. A last
     * line without a newline still counts.
     */
    boolean next() throws IOException {
        if (buffer.length > KEEP_AT_MOST_BYTES && filled - unread <= INITIAL_BYTES) {
            byte[] smaller = new byte[INITIAL_BYTES];
            System.arraycopy(buffer, unread, smaller, 0, filled - unread);
            filled -= unread;
            unread = 0;
            buffer = smaller;
        }
        int scanned = unread;
        while (true) {
            for (int i = scanned; i < filled; i++) {
                if (buffer[i] == '\n') {
                    lineStart = unread;
                    lineEnd = i > unread && buffer[i - 1] == '\r' ? i - 1 : i;
                    unread = i + 1;
                    return true;
                }
            }
            scanned = filled;
            if (unread > 0) {
                System.arraycopy(buffer, unread, buffer, 0, filled - unread);
                scanned -= unread;
                filled -= unread;
                unread = 0;
            }
            if (filled == buffer.length) {
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
            int read = in.read(buffer, filled, buffer.length - filled);
            if (read < 0) {
                if (filled == unread) {
                    return false;
                }
                lineStart = unread;
                lineEnd = filled;
                unread = filled;
                return true;
            }
            filled += read;
        }
    }

    /** The buffer holding the current line, at {@code [start(), end())}. */
    byte[] bytes() {
        return buffer;
    }

    int start() {
        return lineStart;
    }

    int end() {
        return lineEnd;
    }
}
