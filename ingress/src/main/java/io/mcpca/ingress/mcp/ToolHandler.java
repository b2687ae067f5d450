package io.mcpca.ingress.mcp;

import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import reactor.core.publisher.Mono;

/**
 * Answers {@code tools/call} for one tool once its arguments passed the tool's schema: {@link ToolCallHandler}
 * through a worker pool, or the ingress itself (the batch tools, {@link io.mcpca.ingress.batch.BatchTools}).
 */
@FunctionalInterface
public interface ToolHandler {

    Mono<CallToolResult> handle(McpAsyncServerExchange exchange, CallToolRequest call);

    /**
     * @param waitOnCaller the subscribing thread may wait for the answer (a servlet container's thread, which the
     *                     SDK's HTTP transport holds for the call anyway); handlers that answer at once ignore it
     */
    default Mono<CallToolResult> handle(McpAsyncServerExchange exchange, CallToolRequest call, boolean waitOnCaller) {
        return handle(exchange, call);
    }
}
