package io.mcpca.ingress.prompts;

import io.mcpca.ingress.mcp.ArgumentCompletions;
import io.mcpca.ingress.mcp.ServerFeatures;
import io.mcpca.ingress.mcp.ToolInvoker;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncCompletionSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncPromptSpecification;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CompleteResult;
import io.modelcontextprotocol.spec.McpSchema.GetPromptRequest;
import io.modelcontextprotocol.spec.McpSchema.GetPromptResult;
import io.modelcontextprotocol.spec.McpSchema.Prompt;
import io.modelcontextprotocol.spec.McpSchema.PromptArgument;
import io.modelcontextprotocol.spec.McpSchema.PromptMessage;
import io.modelcontextprotocol.spec.McpSchema.PromptReference;
import io.modelcontextprotocol.spec.McpSchema.Role;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The seed's prompts, filled from real analysis results run through the pipeline for the caller (its principal,
 * its roots): {@code review-code} (code, language, focus: the code with its measured lines and functions),
 * {@code explain-hotspots} (path: the most complex functions of a tree with their numbers) and
 * {@code plan-refactoring} (path, goal: totals, hotspots and largest directories as the facts a plan starts from).
 * The prompt says what was measured and how; it gives no canned advice. Arguments complete like the tools'
 * ({@link ArgumentCompletions}): paths under the roots, languages.
 */
public final class AnalysisPrompts implements ServerFeatures {

    /** Functions listed per prompt: enough to act on, few enough to read. */
    static final int MAX_FUNCTIONS = 15;

    private final ToolInvoker tools;
    private final ArgumentCompletions completions;

    public AnalysisPrompts(ToolInvoker tools, ArgumentCompletions completions) {
        this.tools = tools;
        this.completions = completions;
    }

    @Override
    public List<AsyncPromptSpecification> prompts() {
        return List.of(
                spec(new Prompt("review-code", "Review code with its measured complexity",
                        "A review request for a piece of code, with its lines and each function's cyclomatic and "
                                + "cognitive complexity as calculate-metrics measures them.",
                        List.of(new PromptArgument("code", "The source code to review", true),
                                new PromptArgument("language", "java, python, javascript or typescript", true),
                                new PromptArgument("focus", "What to look at most (e.g. error handling)", false))),
                        this::reviewCode),
                spec(new Prompt("explain-hotspots", "Explain a tree's complexity hotspots",
                        "The most complex functions of a file or directory under a root, measured by analyze-metrics, "
                                + "with a request to explain what makes each hard to change.",
                        List.of(new PromptArgument("path", "File or directory under an analysis root", true))),
                        this::explainHotspots),
                spec(new Prompt("plan-refactoring", "Plan a refactoring from measured facts",
                        "Totals, hotspots and the largest directories of a tree, measured by analyze-metrics, with a "
                                + "request for a refactoring plan ordered by risk.",
                        List.of(new PromptArgument("path", "File or directory under an analysis root", true),
                                new PromptArgument("goal", "What the refactoring should achieve", false))),
                        this::planRefactoring));
    }

    /** Completions of the prompts' arguments: {@code path} to paths under the roots, {@code language} to its values. */
    @Override
    public List<AsyncCompletionSpecification> completions() {
        return prompts().stream().map(p -> new AsyncCompletionSpecification(new PromptReference(p.prompt().name()),
                (exchange, request) -> Mono.fromCallable(() -> complete(request))
                        .subscribeOn(Schedulers.boundedElastic()))).toList();
    }

    private CompleteResult complete(McpSchema.CompleteRequest request) {
        String typed = request.argument().value() == null ? "" : request.argument().value();
        List<String> values = switch (request.argument().name()) {
            case "path" -> completions.pathsStartingWith(typed);
            case "language" -> PromptText.LANGUAGES.stream().filter(l -> l.startsWith(typed)).toList();
            default -> List.of();
        };
        return ArgumentCompletions.result(values);
    }

    private Mono<GetPromptResult> reviewCode(McpAsyncServerExchange exchange, Map<String, Object> args) {
        String code = required(args, "code");
        String language = required(args, "language");
        if (!PromptText.LANGUAGES.contains(language)) {
            throw invalid("language must be one of " + PromptText.LANGUAGES + ", not " + language);
        }
        String focus = args.get("focus") instanceof String f ? f : "";
        return tools.call(exchange, "calculate-metrics", Map.of("content", code, "language", language))
                .map(metrics -> result("Review " + language + " code",
                        PromptText.review(code, language, focus, metrics, MAX_FUNCTIONS)));
    }

    private Mono<GetPromptResult> explainHotspots(McpAsyncServerExchange exchange, Map<String, Object> args) {
        String path = required(args, "path");
        return summary(exchange, path).map(summary -> result("Explain the hotspots of " + path,
                PromptText.hotspots(path, summary, MAX_FUNCTIONS)));
    }

    private Mono<GetPromptResult> planRefactoring(McpAsyncServerExchange exchange, Map<String, Object> args) {
        String path = required(args, "path");
        String goal = args.get("goal") instanceof String g ? g : "";
        return summary(exchange, path).map(summary -> result("Plan a refactoring of " + path,
                PromptText.plan(path, goal, summary, MAX_FUNCTIONS)));
    }

    /** analyze-metrics' whole-tree summary of a directory, or calculate-metrics of a file in the same shape. */
    private Mono<Map<String, Object>> summary(McpAsyncServerExchange exchange, String path) {
        return tools.call(exchange, "analyze-metrics", Map.of("path", path, "detail", "summary"))
                .onErrorResume(ToolInvoker.ToolFailed.class, failed -> failed.code().equals("BAD_ARGUMENTS")
                        ? tools.call(exchange, "calculate-metrics", Map.of("path", path)).map(PromptText::asSummary)
                        : Mono.error(failed));
    }

    private static AsyncPromptSpecification spec(Prompt prompt,
                                                 BiFunction<McpAsyncServerExchange, Map<String, Object>, Mono<GetPromptResult>> fill) {
        return new AsyncPromptSpecification(prompt, (exchange, request) -> Mono.defer(() -> fill.apply(exchange,
                        request.arguments() == null ? Map.of() : request.arguments()))
                .onErrorMap(ToolInvoker.ToolFailed.class, failed -> invalid(failed.code() + ": " + failed.getMessage())));
    }

    private static GetPromptResult result(String description, String text) {
        return new GetPromptResult(description, List.of(new PromptMessage(Role.USER, new TextContent(text))));
    }

    private static String required(Map<String, Object> args, String name) {
        if (args.get(name) instanceof String value && !value.isBlank()) {
            return value;
        }
        throw invalid("the prompt needs the argument '" + name + "'");
    }

    private static McpError invalid(String message) {
        return McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message(message).build();
    }

}
