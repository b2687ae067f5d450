package io.mcpca.ingress.mcp;

import io.mcpca.shared.tools.ToolDescriptor;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds the MCP server, with one tool specification per catalog entry, over either transport. The tool
 * handlers are made once, when the factory is.
 */
public final class McpServerFactory {

    public static final String SERVER_NAME = "mcp-code-analysis";
    public static final String SERVER_VERSION = "0.1.0";
    private static final String INSTRUCTIONS = "Code analysis tools. Paths are relative to the server's first "
            + "analysis root (or absolute inside a configured root). Long directory analyses send progress "
            + "notifications when the call carries a progress token.";

    private final Map<ToolDescriptor, ToolCallHandler> handlers = new LinkedHashMap<>();
    private final McpJsonMapper json;

    public McpServerFactory(List<ToolDescriptor> tools, Function<ToolDescriptor, ToolCallHandler> handlers,
                            McpJsonMapper json) {
        tools.forEach(tool -> this.handlers.put(tool, handlers.apply(tool)));
        this.json = json;
    }

    /**
     * Where the tool handlers register their running calls, for a transport that delivers
     * {@code notifications/cancelled} itself (stdio: {@link StdioCancellationFilter}). One registry: the
     * handlers share one {@link FlowControl}.
     */
    public InFlightCalls inFlightCalls() {
        List<InFlightCalls> registries = handlers.values().stream().map(ToolCallHandler::inFlightCalls)
                .distinct().toList();
        if (registries.size() > 1) {
            throw new IllegalStateException("the tool handlers register their calls in " + registries.size()
                    + " different registries; a cancel could not find its call");
        }
        return registries.isEmpty() ? new InFlightCalls() : registries.get(0);
    }

    public McpAsyncServer http(McpStreamableServerTransportProvider transport) {
        return configure(McpServer.async(transport));
    }

    public McpAsyncServer stdio(McpServerTransportProvider transport) {
        return configure(McpServer.async(transport));
    }

    /**
     * Resources are declared with none yet (resources/list answers an empty list, as the conformance suite's
     * resources-list expects of a server that has none); tools are fixed, so no list-changed notifications.
     */
    private McpAsyncServer configure(McpServer.AsyncSpecification<?> spec) {
        return spec.serverInfo(SERVER_NAME, SERVER_VERSION).instructions(INSTRUCTIONS)
                .capabilities(ServerCapabilities.builder().tools(false).resources(false, false).build())
                .jsonMapper(json).validateToolInputs(true).tools(specifications()).build();
    }

    private List<AsyncToolSpecification> specifications() {
        return handlers.entrySet().stream().map(entry -> {
            ToolDescriptor descriptor = entry.getKey();
            ToolCallHandler handler = entry.getValue();
            Tool tool = Tool.builder()
                    .name(descriptor.name())
                    .title(descriptor.title())
                    .description(descriptor.description())
                    .inputSchema(descriptor.inputSchema())
                    .outputSchema(descriptor.outputSchema())
                    .build();
            return AsyncToolSpecification.builder().tool(tool).callHandler(handler::handle).build();
        }).toList();
    }
}
