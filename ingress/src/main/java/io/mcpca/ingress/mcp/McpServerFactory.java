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
import java.util.List;
import java.util.function.Function;

/** Builds the MCP server, with one tool specification per catalog entry, over either transport. */
public final class McpServerFactory {

    public static final String SERVER_NAME = "mcp-code-analysis";
    public static final String SERVER_VERSION = "0.1.0";
    private static final String INSTRUCTIONS = "Code analysis tools. Paths are relative to the server's first "
            + "analysis root (or absolute inside a configured root). Long directory analyses send progress "
            + "notifications when the call carries a progress token.";

    private final List<ToolDescriptor> tools;
    private final Function<ToolDescriptor, ToolCallHandler> handlers;
    private final McpJsonMapper json;

    public McpServerFactory(List<ToolDescriptor> tools, Function<ToolDescriptor, ToolCallHandler> handlers,
                            McpJsonMapper json) {
        this.tools = tools;
        this.handlers = handlers;
        this.json = json;
    }

    public McpAsyncServer http(McpStreamableServerTransportProvider transport) {
        return configure(McpServer.async(transport));
    }

    public McpAsyncServer stdio(McpServerTransportProvider transport) {
        return configure(McpServer.async(transport));
    }

    private McpAsyncServer configure(McpServer.AsyncSpecification<?> spec) {
        return spec.serverInfo(SERVER_NAME, SERVER_VERSION).instructions(INSTRUCTIONS)
                .capabilities(ServerCapabilities.builder().tools(false).build())
                .jsonMapper(json).validateToolInputs(true).tools(specifications()).build();
    }

    private List<AsyncToolSpecification> specifications() {
        return tools.stream().map(descriptor -> {
            ToolCallHandler handler = handlers.apply(descriptor);
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
