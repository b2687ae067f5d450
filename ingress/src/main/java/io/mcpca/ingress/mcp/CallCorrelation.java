package io.mcpca.ingress.mcp;

import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A call's correlation id: the client's {@code _meta.correlationId} when it is a usable one (1 to 64 characters
 * of letters, digits and {@code . _ : -}, which fits a UUID, a W3C trace id or a caller's own ticket number and
 * cannot break a log line or a log query), else a new random UUID. It travels to the worker in the
 * {@code ToolRequest}, is logged with every line of the call in every process, and comes back in the answer's
 * {@code _meta.correlationId}, errors included. A refused id is replaced, not an error: the id is for logs only.
 */
public final class CallCorrelation {

    /** The {@code _meta} key, in the request and in the answer. */
    public static final String META_KEY = "correlationId";
    /** Longest id kept: a UUID is 36, a W3C trace id 32; a log line should not carry a payload. */
    static final int MAX_LENGTH = 64;
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_LENGTH + "}");

    private CallCorrelation() {
    }

    /** The call's correlation id: the client's when usable, else a new one. */
    public static String of(CallToolRequest call) {
        Object given = call.meta() == null ? null : call.meta().get(META_KEY);
        return given instanceof String id && usable(id) ? id : UUID.randomUUID().toString();
    }

    /** Whether a client's id is kept as it is. */
    static boolean usable(String id) {
        return SAFE.matcher(id).matches();
    }

    /** The answer with {@code _meta.correlationId} added (its other {@code _meta} entries kept). */
    public static CallToolResult tagged(CallToolResult result, String correlationId) {
        Map<String, Object> meta = result.meta() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(result.meta());
        meta.put(META_KEY, correlationId);
        return new CallToolResult(result.content(), result.isError(), result.structuredContent(), meta);
    }
}
