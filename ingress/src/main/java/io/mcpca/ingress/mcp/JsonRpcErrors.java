package io.mcpca.ingress.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * The JSON-RPC error answers the HTTP edge writes itself (refusals before the SDK sees a message): one
 * shape, {@code {"jsonrpc":"2.0","id":…,"error":{"code":…,"message":…}}}, messages of our own words only,
 * never an exception's text.
 */
public final class JsonRpcErrors {

    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;
    /** Server-defined (-32000 to -32099): refused by the edge (authentication, Host/Origin, another's session). */
    public static final int REFUSED = -32001;

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonRpcErrors() {
    }

    /** The error object for {@code id} (JSON null when the request's id could not be read). */
    public static byte[] body(int code, String message, Optional<JsonNode> id) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("jsonrpc", "2.0");
        root.set("id", id.orElse(JsonNodeFactory.instance.nullNode()));
        ObjectNode error = root.putObject("error");
        error.put("code", code);
        error.put("message", message);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
    }

    /** Answers with {@code status} and the error object, unless the response is already committed. */
    public static void write(HttpServletResponse response, int status, int code, String message, Optional<JsonNode> id)
            throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType("application/json");
        byte[] body = body(code, message, id);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }
}
