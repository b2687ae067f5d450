package io.mcpca.ingress.mcp;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * MCP cancellation over stdio, as {@link CancellationFilter} does it over HTTP: the input the SDK's stdio
 * transport reads (one JSON-RPC message per line), filtered line by line before the SDK sees it.
 * 1. A {@code tools/call} request gets its JSON-RPC id in {@code params._meta} under {@link #JSONRPC_ID_META}:
 * the stdio transport has no transport context to carry it, and the tool handler needs it to register the call
 * in {@link InFlightCalls}. 2. A {@code notifications/cancelled} cancels the call with that id on the stdio
 * session and is not passed on (the SDK 2.1.0 has no handler for it and would only log that). 3. Every other
 * line passes byte for byte; only lines that mention one of the two methods are parsed, so large inline
 * contents are not parsed twice. 4. End of input is reported once to {@code onEnd}.
 */
public final class StdioCancellationFilter extends InputStream {

    /** The {@code _meta} key carrying a stdio call's JSON-RPC id to {@link ToolCallHandler}. */
    public static final String JSONRPC_ID_META = "io.mcpca/jsonRpcId";
    /** The SDK stdio transport's own line limit (StdioServerTransportProvider): longer lines are its to refuse. */
    static final int MAX_LINE_BYTES = 16 * 1024 * 1024;

    private static final byte[] TOOLS_CALL = "\"tools/call\"".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CANCELLED = "\"notifications/cancelled\"".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NOTHING = new byte[0];

    // exact numbers: a rewritten line carries the client's arguments unchanged
    private final ObjectMapper json = new ObjectMapper()
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private final InputStream in;
    private final InFlightCalls calls;
    private final Supplier<Optional<String>> session;
    private final Runnable onEnd;
    /** Raw input read ahead of the current line (one reader thread: the transport's). */
    private final byte[] buffer = new byte[64 * 1024];
    private int bufferPosition;
    private int bufferLength;
    /** The current line as filtered, and how much of it the transport has read. */
    private byte[] line = NOTHING;
    private int position;
    private boolean ended;

    /**
     * @param in      the raw input (stdin)
     * @param calls   where the tool handlers register running calls
     * @param session the MCP session id of the stdio session, once the SDK created it
     * @param onEnd   run once when the input ends
     */
    public StdioCancellationFilter(InputStream in, InFlightCalls calls, Supplier<Optional<String>> session,
                                   Runnable onEnd) {
        this.in = in;
        this.calls = calls;
        this.session = session;
        this.onEnd = onEnd;
    }

    @Override
    public int read() throws IOException {
        return fill() ? line[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, line.length - position);
        System.arraycopy(line, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public int available() {
        return line.length - position;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Makes sure unread bytes are there, reading (and filtering) lines as needed; false at end of input. */
    private boolean fill() throws IOException {
        while (position >= line.length) {
            if (ended) {
                return false;
            }
            Optional<byte[]> next = readLine();
            if (next.isEmpty()) {
                ended = true;
                onEnd.run();
                return false;
            }
            line = filter(next.get());
            position = 0;
        }
        return true;
    }

    /** The next line with its terminator (the last one may have none); empty at end of input. */
    private Optional<byte[]> readLine() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        while (true) {
            if (bufferPosition >= bufferLength) {
                bufferLength = in.read(buffer);
                bufferPosition = 0;
                if (bufferLength < 0) {
                    bufferLength = 0;
                    return bytes.size() == 0 ? Optional.empty() : Optional.of(bytes.toByteArray());
                }
            }
            int start = bufferPosition;
            while (bufferPosition < bufferLength && buffer[bufferPosition] != '\n') {
                bufferPosition++;
            }
            boolean complete = bufferPosition < bufferLength;
            if (complete) {
                bufferPosition++; // the terminator belongs to the line
            }
            bytes.write(buffer, start, bufferPosition - start);
            if (complete) {
                return Optional.of(bytes.toByteArray());
            }
        }
    }

    /** The line as the SDK should see it: unchanged, rewritten (tools/call) or nothing (a cancel). */
    byte[] filter(byte[] raw) {
        if (raw.length > MAX_LINE_BYTES || !contains(raw, TOOLS_CALL) && !contains(raw, CANCELLED)) {
            return raw;
        }
        JsonNode message;
        try {
            message = json.readTree(raw);
        } catch (IOException e) {
            return raw; // the transport answers the parse error
        }
        if (message == null || !message.isObject()) {
            return raw;
        }
        String method = message.path("method").asText("");
        if ("notifications/cancelled".equals(method)) {
            JsonNode id = message.path("params").path("requestId");
            Optional<String> mcpSession = session.get();
            if (mcpSession.isPresent() && (id.isNumber() || id.isTextual())) {
                calls.cancel(mcpSession.get(), id.isNumber() ? id.numberValue() : id.asText());
            }
            return NOTHING;
        }
        if ("tools/call".equals(method) && message.has("id") && message.path("params").isObject()) {
            ObjectNode params = (ObjectNode) message.get("params");
            JsonNode meta = params.path("_meta");
            if (meta.isMissingNode() || meta.isNull()) {
                meta = params.putObject("_meta");
            }
            if (meta.isObject()) {
                ((ObjectNode) meta).set(JSONRPC_ID_META, message.get("id").deepCopy());
                try {
                    byte[] rewritten = json.writeValueAsBytes(message);
                    byte[] withNewline = Arrays.copyOf(rewritten, rewritten.length + 1);
                    withNewline[rewritten.length] = '\n';
                    return withNewline;
                } catch (IOException e) {
                    return raw;
                }
            }
        }
        return raw;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
