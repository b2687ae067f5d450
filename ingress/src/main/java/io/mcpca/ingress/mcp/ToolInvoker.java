package io.mcpca.ingress.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Runs a tool for a prompt or a resource exactly as a {@code tools/call} from the same client would run (same
 * principal, same checks, through the pipeline), and reads its JSON answer back.
 */
public final class ToolInvoker {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Function<String, Optional<ToolHandler>> handlers;

    ToolInvoker(Function<String, Optional<ToolHandler>> handlers) {
        this.handlers = handlers;
    }

    /** The tool's answer as JSON, or the failure a caller can show: the error code and message of the result. */
    public Mono<Map<String, Object>> call(McpAsyncServerExchange exchange, String tool, Map<String, Object> arguments) {
        return call(exchange, tool, arguments, Optional.empty());
    }

    /**
     * As above; the tool's progress goes to the client under {@code progressToken} (a tool made of tools passes the
     * token of its own call to the one of them that reports progress).
     */
    public Mono<Map<String, Object>> call(McpAsyncServerExchange exchange, String tool, Map<String, Object> arguments,
                                          Optional<Object> progressToken) {
        ToolHandler handler = handlers.apply(tool).orElseThrow(() -> new IllegalArgumentException("no tool " + tool));
        CallToolRequest.Builder call = CallToolRequest.builder(tool).arguments(arguments);
        progressToken.ifPresent(call::progressToken);
        return handler.handle(exchange, call.build()).map(ToolInvoker::answer);
    }

    private static Map<String, Object> answer(CallToolResult result) {
        String text = result.content().stream().filter(TextContent.class::isInstance)
                .map(c -> ((TextContent) c).text()).reduce("", String::concat);
        if (Boolean.TRUE.equals(result.isError())) {
            Object code = result.meta() == null ? "INTERNAL" : result.meta().getOrDefault("errorCode", "INTERNAL");
            throw new ToolFailed(String.valueOf(code), text);
        }
        try {
            return JSON.readValue(text, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new ToolFailed("INTERNAL", "the tool's answer is not JSON: " + e.getOriginalMessage());
        }
    }

    /** A tool answered with an error result. */
    public static final class ToolFailed extends RuntimeException {
        private final String code;

        ToolFailed(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }
}
