package io.mcpca.ingress.mcp;

import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncCompletionSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncResourceTemplateSpecification;
import java.util.List;

/**
 * MCP features served beside the tools (prompts, their completions, resources and templates), built on a
 * {@link ToolInvoker} so they answer from the same tools as a call would. Given the server once it is built, for
 * notifications; closed with it.
 */
public interface ServerFeatures extends AutoCloseable {

    default List<AsyncPromptSpecification> prompts() {
        return List.of();
    }

    default List<AsyncCompletionSpecification> completions() {
        return List.of();
    }

    default List<AsyncResourceSpecification> resources() {
        return List.of();
    }

    default List<AsyncResourceTemplateSpecification> templates() {
        return List.of();
    }

    /** Called once the server that serves these features is built. */
    default void attach(McpAsyncServer server) {
    }

    @Override
    default void close() {
    }
}
