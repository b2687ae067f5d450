package io.mcpca.ingress.mcp;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Checks the JSON-RPC envelope of every MCP POST before the SDK reads it, because the SDK 2.1.0 answers
 * some malformed messages (null {@code params}, unsolicited responses, arguments of the wrong type) with
 * HTTP 500 and an exception's text. 1. The body is read once (up to the size limit: larger is 413) and
 * parsed strictly (invalid UTF-8, truncated or trailing text: -32700); 2. it must be one object (batches
 * were removed from MCP in 2025-06-18: -32600) with {@code "jsonrpc":"2.0"}, an id that is a string or an
 * integer, and a method that is a non-empty string (-32600); 3. {@code params}, when present, must be an
 * object, and the methods that need them must have them, with the fields the SDK reads of the right types
 * (-32602); 4. a JSON-RPC response is answered 202 and dropped: this server sends clients no requests (no
 * sampling, roots or elicitation), so every response is unsolicited. Errors are HTTP 400 with the
 * request's id when it could be read. The parsed message is left in {@link #MESSAGE_ATTRIBUTE} and the body
 * replayed, so the filters after this one and the SDK do not read the socket again.
 */
public final class JsonRpcEnvelopeFilter extends OncePerRequestFilter {

    /** The parsed, checked message (a {@link JsonNode}), for the filters after this one. */
    public static final String MESSAGE_ATTRIBUTE = "mcpca.jsonRpcMessage";
    /** Methods whose params the SDK dereferences: null or missing params would fail inside it. */
    private static final Set<String> PARAMS_REQUIRED = Set.of("initialize", "tools/call", "resources/read",
            "resources/subscribe", "resources/unsubscribe", "prompts/get", "completion/complete", "logging/setLevel");

    /** The log levels of MCP's {@code logging/setLevel} (RFC 5424 names). */
    private static final Set<String> LEVELS = Set.of("debug", "info", "notice", "warning", "error", "critical",
            "alert", "emergency");

    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final int maxBodyBytes;

    public JsonRpcEnvelopeFilter(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Why a message is refused: the JSON-RPC code and our words for it. */
    record Refusal(int code, String message) {
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!"POST".equals(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        if (request.getContentLengthLong() > maxBodyBytes) {
            JsonRpcErrors.write(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, JsonRpcErrors.INVALID_REQUEST,
                    "request body larger than " + maxBodyBytes + " bytes", Optional.empty());
            return;
        }
        byte[] body = request.getInputStream().readNBytes(maxBodyBytes + 1);
        if (body.length > maxBodyBytes) {
            JsonRpcErrors.write(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, JsonRpcErrors.INVALID_REQUEST,
                    "request body larger than " + maxBodyBytes + " bytes", Optional.empty());
            return;
        }
        JsonNode message;
        try {
            message = json.readTree(body);
        } catch (IOException e) {
            message = null;
        }
        if (message == null || message.isMissingNode()) {
            JsonRpcErrors.write(response, HttpServletResponse.SC_BAD_REQUEST, JsonRpcErrors.PARSE_ERROR,
                    "parse error: the body is not one JSON value in UTF-8", Optional.empty());
            return;
        }
        Optional<JsonNode> id = validId(message);
        Optional<Refusal> refusal = check(message);
        if (refusal.isPresent()) {
            JsonRpcErrors.write(response, HttpServletResponse.SC_BAD_REQUEST, refusal.get().code(),
                    refusal.get().message(), id);
            return;
        }
        if (!message.has("method")) {
            response.setStatus(HttpServletResponse.SC_ACCEPTED); // a response: see the class comment
            return;
        }
        request.setAttribute(MESSAGE_ATTRIBUTE, message);
        chain.doFilter(new ReplayedRequest(request, body), response);
    }

    /** The first thing wrong with the envelope of {@code message}, if any. */
    static Optional<Refusal> check(JsonNode message) {
        if (message.isArray()) {
            return refuse(JsonRpcErrors.INVALID_REQUEST, "batches are not supported: send one message per request");
        }
        if (!message.isObject()) {
            return refuse(JsonRpcErrors.INVALID_REQUEST, "a JSON-RPC message is an object");
        }
        if (!"2.0".equals(message.path("jsonrpc").isTextual() ? message.get("jsonrpc").textValue() : null)) {
            return refuse(JsonRpcErrors.INVALID_REQUEST, "\"jsonrpc\" must be \"2.0\"");
        }
        if (message.has("id") && validId(message).isEmpty()) {
            return refuse(JsonRpcErrors.INVALID_REQUEST, "\"id\" must be a string or an integer");
        }
        if (!message.has("method")) {
            return checkResponse(message);
        }
        JsonNode method = message.get("method");
        if (!method.isTextual() || method.textValue().isEmpty()) {
            return refuse(JsonRpcErrors.INVALID_REQUEST, "\"method\" must be a non-empty string");
        }
        return checkParams(method.textValue(), message);
    }

    private static Optional<Refusal> checkResponse(JsonNode message) {
        boolean result = message.has("result");
        boolean error = message.has("error");
        if (!message.has("id") || result == error) {
            return refuse(JsonRpcErrors.INVALID_REQUEST,
                    "\"method\" is missing (a response has an id and exactly one of result and error)");
        }
        if (error && !message.get("error").isObject()) {
            return refuse(JsonRpcErrors.INVALID_REQUEST, "\"error\" must be an object");
        }
        return Optional.empty();
    }

    private static Optional<Refusal> checkParams(String method, JsonNode message) {
        JsonNode params = message.get("params");
        if (params == null) {
            return PARAMS_REQUIRED.contains(method) && message.has("id")
                    ? refuse(JsonRpcErrors.INVALID_PARAMS, method + " needs \"params\"") : Optional.empty();
        }
        if (!params.isObject()) {
            return refuse(JsonRpcErrors.INVALID_PARAMS, "\"params\" must be an object");
        }
        if (params.has("_meta") && !params.get("_meta").isObject()) {
            return refuse(JsonRpcErrors.INVALID_PARAMS, "\"params._meta\" must be an object");
        }
        JsonNode token = params.path("_meta").path("progressToken");
        if (!token.isMissingNode() && !isId(token)) {
            return refuse(JsonRpcErrors.INVALID_PARAMS, "\"progressToken\" must be a string or an integer");
        }
        return switch (method) {
            case "tools/call" -> firstOf(
                    require(params, "name", JsonNode::isTextual, "a string"),
                    optional(params, "arguments", JsonNode::isObject, "an object"));
            case "initialize" -> firstOf(
                    require(params, "protocolVersion", JsonNode::isTextual, "a string"),
                    require(params, "capabilities", JsonNode::isObject, "an object"),
                    require(params, "clientInfo", JsonNode::isObject, "an object"),
                    require(params.path("clientInfo"), "name", JsonNode::isTextual, "a string"),
                    require(params.path("clientInfo"), "version", JsonNode::isTextual, "a string"));
            case "completion/complete" -> firstOf(
                    require(params, "ref", JsonNode::isObject, "an object"),
                    require(params.path("ref"), "type", JsonNode::isTextual, "a string"),
                    optional(params.path("ref"), "name", JsonNode::isTextual, "a string"),
                    optional(params.path("ref"), "uri", JsonNode::isTextual, "a string"),
                    require(params, "argument", JsonNode::isObject, "an object"),
                    require(params.path("argument"), "name", JsonNode::isTextual, "a string"),
                    require(params.path("argument"), "value", JsonNode::isTextual, "a string"),
                    optional(params, "context", JsonNode::isObject, "an object"),
                    optional(params.path("context"), "arguments", JsonRpcEnvelopeFilter::isStringMap, "an object of strings"));
            case "prompts/get" -> firstOf(
                    require(params, "name", JsonNode::isTextual, "a string"),
                    optional(params, "arguments", JsonRpcEnvelopeFilter::isStringMap, "an object of strings"));
            case "resources/read", "resources/subscribe", "resources/unsubscribe" ->
                    require(params, "uri", JsonNode::isTextual, "a string");
            case "logging/setLevel" -> require(params, "level", n -> n.isTextual() && LEVELS.contains(n.textValue()),
                    "one of " + LEVELS);
            case "notifications/cancelled" -> firstOf(
                    optional(params, "requestId", JsonRpcEnvelopeFilter::isId, "a string or an integer"),
                    optional(params, "reason", JsonNode::isTextual, "a string"));
            case "tools/list", "resources/list", "prompts/list" ->
                    optional(params, "cursor", JsonNode::isTextual, "a string");
            default -> Optional.empty();
        };
    }

    private static Optional<Refusal> require(JsonNode params, String field, java.util.function.Predicate<JsonNode> ok,
                                             String what) {
        return params.has(field) ? optional(params, field, ok, what)
                : refuse(JsonRpcErrors.INVALID_PARAMS, "\"" + field + "\" is missing: it must be " + what);
    }

    private static Optional<Refusal> optional(JsonNode params, String field, java.util.function.Predicate<JsonNode> ok,
                                              String what) {
        JsonNode value = params.get(field);
        return value == null || ok.test(value) ? Optional.empty()
                : refuse(JsonRpcErrors.INVALID_PARAMS, "\"" + field + "\" must be " + what);
    }

    @SafeVarargs
    private static Optional<Refusal> firstOf(Optional<Refusal>... checks) {
        for (Optional<Refusal> check : checks) {
            if (check.isPresent()) {
                return check;
            }
        }
        return Optional.empty();
    }

    private static Optional<Refusal> refuse(int code, String message) {
        return Optional.of(new Refusal(code, message));
    }

    /** The message's id when it is one MCP allows (a string or an integer), to echo in an error. */
    private static Optional<JsonNode> validId(JsonNode message) {
        JsonNode id = message.isObject() ? message.get("id") : null;
        return id != null && isId(id) ? Optional.of(id) : Optional.empty();
    }

    private static boolean isStringMap(JsonNode value) {
        if (!value.isObject()) {
            return false;
        }
        for (JsonNode field : value) {
            if (!field.isTextual()) {
                return false;
            }
        }
        return true;
    }

    /** A string, or an integer that fits a long (what the SDK and {@link CancellationFilter} turn ids into). */
    private static boolean isId(JsonNode value) {
        return value.isTextual() || value.isIntegralNumber() && value.canConvertToLong();
    }
}
