package io.mcpca.ingress.mcp;

import io.mcpca.ingress.metrics.IngressMeters;
import io.mcpca.shared.tools.ToolDescriptor;
import io.mcpca.shared.wire.ErrorCode;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator.ValidationResponse;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncCompletionSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncResourceTemplateSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Builds the MCP server, with one tool specification per catalog entry, over either transport. The tool
 * handlers are made once, when the factory is.
 */
public final class McpServerFactory implements AutoCloseable {

    public static final String SERVER_NAME = "mcp-code-analysis";
    public static final String SERVER_VERSION = "0.1.0";
    private static final String INSTRUCTIONS = "Code analysis tools. Paths are relative to the server's first "
            + "analysis root (or absolute inside a configured root). Long directory analyses send progress "
            + "notifications when the call carries a progress token.";

    private final Map<ToolDescriptor, ToolHandler> handlers = new LinkedHashMap<>();
    private final McpJsonMapper json;
    /**
     * The SDK's own schema validator (without its per-call schema hashing and answer re-encoding, see
     * {@link ToolSchemaValidator}), run here on arguments rather than by the SDK ({@code validateToolInputs(false)}):
     * the SDK's refusal is an error result without {@code _meta}, ours is BAD_ARGUMENTS like every other. The SDK
     * runs the same one on every answer's {@code structuredContent}.
     */
    private final JsonSchemaValidator schemas = new ToolSchemaValidator();

    private final ArgumentCompletions completions;
    private final IngressMeters meters;
    private final List<ServerFeatures> features;

    /**
     * @param meters   counts and times every tool call, schema refusals included
     * @param handlers each tool's handler, given the invoker of these tools (which finds a tool's handler when it is
     *                 called) for a tool that answers from other tools (generate-report)
     * @param features prompts and resources beside the tools, made from an invoker of these tools
     */
    public McpServerFactory(List<ToolDescriptor> tools, BiFunction<ToolDescriptor, ToolInvoker, ToolHandler> handlers,
                            McpJsonMapper json, ArgumentCompletions completions, IngressMeters meters,
                            Function<ToolInvoker, List<ServerFeatures>> features) {
        ToolInvoker invoker = new ToolInvoker(name -> this.handlers.entrySet().stream()
                .filter(e -> e.getKey().name().equals(name)).map(Map.Entry::getValue).findFirst());
        tools.forEach(tool -> this.handlers.put(tool, handlers.apply(tool, invoker)));
        this.json = json;
        this.completions = completions;
        this.meters = meters;
        this.features = List.copyOf(features.apply(invoker));
    }

    /**
     * Where the tool handlers register their running calls, for a transport that delivers
     * {@code notifications/cancelled} itself (stdio: {@link StdioCancellationFilter}). One registry: the
     * handlers share one {@link FlowControl}.
     */
    public InFlightCalls inFlightCalls() {
        List<InFlightCalls> registries = handlers.values().stream().filter(ToolCallHandler.class::isInstance)
                .map(h -> ((ToolCallHandler) h).inFlightCalls())
                .distinct().toList();
        if (registries.size() > 1) {
            throw new IllegalStateException("the tool handlers register their calls in " + registries.size()
                    + " different registries; a cancel could not find its call");
        }
        return registries.isEmpty() ? new InFlightCalls() : registries.get(0);
    }

    /** Over HTTP a tool call waits on the container thread the SDK's transport holds for it (see ToolCallHandler). */
    public McpAsyncServer http(McpStreamableServerTransportProvider transport) {
        return configure(McpServer.async(transport), true);
    }

    public McpAsyncServer stdio(McpServerTransportProvider transport) {
        return configure(McpServer.async(transport), false);
    }

    /**
     * Tools are fixed, so no list-changed notifications; resources can be subscribed to (a batch's progress). The
     * prompts are one per tool (for argument completions) and the analysis prompts.
     */
    private McpAsyncServer configure(McpServer.AsyncSpecification<?> spec, boolean waitOnCaller) {
        List<AsyncPromptSpecification> prompts = new ArrayList<>(completions.prompts());
        List<AsyncCompletionSpecification> completionSpecs = new ArrayList<>(completions.completions());
        List<AsyncResourceSpecification> resources = new ArrayList<>();
        List<AsyncResourceTemplateSpecification> templates = new ArrayList<>();
        features.forEach(f -> {
            prompts.addAll(f.prompts());
            completionSpecs.addAll(f.completions());
            resources.addAll(f.resources());
            templates.addAll(f.templates());
        });
        McpAsyncServer server = spec.serverInfo(SERVER_NAME, SERVER_VERSION).instructions(INSTRUCTIONS)
                .capabilities(ServerCapabilities.builder().tools(false).resources(true, false).prompts(false)
                        .completions().build())
                .jsonMapper(json).jsonSchemaValidator(schemas).validateToolInputs(false).tools(specifications(waitOnCaller))
                .uriTemplateManagerFactory(new TrailingVariableTemplates()).resources(resources).resourceTemplates(templates)
                .prompts(prompts).completions(completionSpecs).build();
        features.forEach(f -> f.attach(server));
        return server;
    }

    @Override
    public void close() {
        features.forEach(ServerFeatures::close);
    }

    private List<AsyncToolSpecification> specifications(boolean waitOnCaller) {
        return handlers.entrySet().stream().map(entry -> {
            ToolDescriptor descriptor = entry.getKey();
            ToolHandler handler = entry.getValue();
            Tool tool = Tool.builder()
                    .name(descriptor.name())
                    .title(descriptor.title())
                    .description(descriptor.description())
                    .inputSchema(descriptor.inputSchema())
                    .outputSchema(descriptor.outputSchema())
                    .build();
            return AsyncToolSpecification.builder().tool(tool).callHandler((exchange, call) -> {
                Map<String, Object> arguments = call.arguments() == null ? Map.of() : call.arguments();
                ValidationResponse check = schemas.validate(descriptor.inputSchema(), arguments);
                return (check.valid() ? handler.handle(exchange, call, waitOnCaller) : Mono.just(CallCorrelation.tagged(
                        ToolCallHandler.error(ErrorCode.BAD_ARGUMENTS, "the arguments do not match the tool's "
                                + "inputSchema: " + check.errorMessage()), CallCorrelation.of(call))))
                        .transform(meters.call(descriptor.name()));
            }).build();
        }).toList();
    }
}
