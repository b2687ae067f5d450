package io.mcpca.ingress.mcp;

import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.paths.PathRejectedException;
import io.mcpca.shared.tools.ToolDescriptor;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncCompletionSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncPromptSpecification;
import io.modelcontextprotocol.spec.McpSchema.CompleteRequest;
import io.modelcontextprotocol.spec.McpSchema.CompleteResult;
import io.modelcontextprotocol.spec.McpSchema.CompleteResult.CompleteCompletion;
import io.modelcontextprotocol.spec.McpSchema.GetPromptResult;
import io.modelcontextprotocol.spec.McpSchema.Prompt;
import io.modelcontextprotocol.spec.McpSchema.PromptArgument;
import io.modelcontextprotocol.spec.McpSchema.PromptMessage;
import io.modelcontextprotocol.spec.McpSchema.PromptReference;
import io.modelcontextprotocol.spec.McpSchema.Role;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code completion/complete} for tool arguments. MCP completes the arguments of prompts and resource
 * templates only, so each tool with string arguments has a prompt of its name ("call this tool with these
 * arguments") whose arguments are the tool's string arguments, and completing one of them completes the
 * tool's: 1. the path argument ({@link ToolDescriptor#pathArgument()}): names of files and directories (with a
 * trailing {@code /}) in the directory the typed value names, confined to the roots like every path
 * ({@link PathGuard}; an entry that resolves outside them, a symlink say, is left out); 2. an argument with an
 * {@code enum}: the values that start with what was typed; 3. anything else: nothing.
 */
public final class ArgumentCompletions {

    /** MCP's limit on the values of one completion answer. */
    static final int MAX_VALUES = 100;

    private final List<ToolDescriptor> tools;
    private final PathGuard paths;

    public ArgumentCompletions(List<ToolDescriptor> tools, PathGuard paths) {
        this.tools = tools.stream().filter(t -> !stringArguments(t).isEmpty()).toList();
        this.paths = paths;
    }

    public List<AsyncPromptSpecification> prompts() {
        return tools.stream().map(tool -> new AsyncPromptSpecification(prompt(tool), (exchange, request) -> {
            String text = "Call the tool `" + tool.name() + "` with the arguments " + request.arguments() + ".";
            return Mono.just(new GetPromptResult(tool.title(), List.of(new PromptMessage(Role.USER, new TextContent(text)))));
        })).toList();
    }

    public List<AsyncCompletionSpecification> completions() {
        return tools.stream().map(tool -> new AsyncCompletionSpecification(new PromptReference(tool.name()),
                (exchange, request) -> Mono.fromCallable(() -> complete(tool, request))
                        .subscribeOn(Schedulers.boundedElastic()))).toList();
    }

    CompleteResult complete(ToolDescriptor tool, CompleteRequest request) {
        String name = request.argument().name();
        String typed = request.argument().value() == null ? "" : request.argument().value();
        List<String> values;
        if (name.equals(tool.pathArgument())) {
            values = pathsStartingWith(typed);
        } else if (property(tool, name).get("enum") instanceof List<?> choices) {
            values = choices.stream().map(String::valueOf).filter(v -> v.startsWith(typed)).toList();
        } else {
            values = List.of();
        }
        return result(values);
    }

    /** A completion answer: the first {@link #MAX_VALUES} values, how many there are, whether there are more. */
    public static CompleteResult result(List<String> values) {
        List<String> page = values.size() > MAX_VALUES ? values.subList(0, MAX_VALUES) : values;
        return new CompleteResult(new CompleteCompletion(page, values.size(), values.size() > MAX_VALUES));
    }

    /** Entries of the directory {@code typed} names (up to its last {@code /}) whose names start with the rest. */
    public List<String> pathsStartingWith(String typed) {
        int slash = typed.lastIndexOf('/');
        String directory = typed.substring(0, slash + 1);
        String prefix = typed.substring(slash + 1);
        Path real;
        try {
            real = paths.resolve(directory.isEmpty() ? "." : directory);
        } catch (PathRejectedException outsideOrMissing) {
            return List.of();
        }
        TreeSet<String> found = new TreeSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(real, e -> e.getFileName().toString().startsWith(prefix))) {
            for (Path entry : entries) {
                String candidate = directory + entry.getFileName();
                try {
                    Path resolved = paths.resolve(candidate); // confined: a symlink out of the roots is no candidate
                    found.add(Files.isDirectory(resolved) ? candidate + "/" : candidate);
                } catch (PathRejectedException outside) {
                    // left out
                }
                if (found.size() > MAX_VALUES * 10) {
                    break; // a huge directory: the first thousand names are plenty to narrow down from
                }
            }
        } catch (IOException | java.nio.file.DirectoryIteratorException notADirectory) {
            return List.of();
        }
        return new ArrayList<>(found);
    }

    private static Prompt prompt(ToolDescriptor tool) {
        List<?> required = tool.inputSchema().get("required") instanceof List<?> r ? r : List.of();
        List<PromptArgument> arguments = stringArguments(tool).stream().map(name -> new PromptArgument(name,
                String.valueOf(property(tool, name).get("description") instanceof String d ? d : name), required.contains(name))).toList();
        return new Prompt(tool.name(), tool.title(), "Call " + tool.name() + ": " + tool.description(), arguments);
    }

    /** The tool's top-level arguments of type string, in schema order. */
    private static List<String> stringArguments(ToolDescriptor tool) {
        if (!(tool.inputSchema().get("properties") instanceof Map<?, ?> properties)) {
            return List.of();
        }
        return properties.entrySet().stream()
                .filter(e -> e.getValue() instanceof Map<?, ?> p && "string".equals(p.get("type")))
                .map(e -> String.valueOf(e.getKey())).toList();
    }

    private static Map<?, ?> property(ToolDescriptor tool, String name) {
        return tool.inputSchema().get("properties") instanceof Map<?, ?> properties
                && properties.get(name) instanceof Map<?, ?> property ? property : Map.of();
    }
}
