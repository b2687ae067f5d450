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
}
