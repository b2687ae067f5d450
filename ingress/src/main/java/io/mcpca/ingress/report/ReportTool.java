package io.mcpca.ingress.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpca.ingress.mcp.ToolCallHandler;
import io.mcpca.ingress.mcp.ToolHandler;
import io.mcpca.ingress.mcp.ToolInvoker;
import io.mcpca.shared.wire.ErrorCode;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * {@code generate-report}: the HTML report of a tree ({@link ReportPage}), assembled by the ingress from the answers
 * of analyze-metrics (every page, for the class records), analyze-dependencies and visualize-dependencies (svg), each
 * run through the {@link ToolInvoker} for the caller, so its principal, roots, rate limit, result cache and the whole
 * pipeline apply as to its own calls. The calls run one after another: they share the caller's session, whose lease
 * would make parallel calls wait for each other anyway. A failed call fails the report with that call's error code.
 * The CLI ({@code mcpca report}) and the resource {@code analysis://report/{path}} both come here.
 */
public final class ReportTool {

    public static final String NAME = "generate-report";
    /** Files per analyze-metrics page: its largest page, so a tree of a few thousand files is read in a few calls. */
    static final int METRICS_PAGE_FILES = 1000;
    static final int DEFAULT_HOTSPOTS = 10;
    static final int DEFAULT_CLASSES = 10;
    static final int DEFAULT_MAX_NODES = 150;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger(ReportTool.class);
    /** Largest first: lines, then methods; then by place, so equal classes keep one order. */
    static final Comparator<Map<String, Object>> LARGEST_FIRST = Comparator
            .comparingLong((Map<String, Object> c) -> ReportPage.lines(c)).reversed()
            .thenComparing(Comparator.comparingLong((Map<String, Object> c) -> ReportPage.number(c.get("methods"))).reversed())
            .thenComparing(c -> String.valueOf(c.get("path")))
            .thenComparingLong(c -> ReportPage.number(c.get("startLine")));

    private final ToolInvoker tools;

    public ReportTool(ToolInvoker tools) {
        this.tools = tools;
    }

    /** The handler of {@code generate-report}: the answer, or the error of the tool call that failed. */
    public ToolHandler handler() {
        return (exchange, call) -> report(exchange, call.arguments() == null ? Map.of() : call.arguments(),
                        Optional.ofNullable(call.progressToken()))
                .map(answer -> ToolCallHandler.json(write(answer)))
                .onErrorResume(e -> Mono.just(e instanceof Failed f ? ToolCallHandler.error(f.code, f.getMessage())
                        : unexpected(e)));
    }

    private static CallToolResult unexpected(Throwable e) {
        log.warn("{} failed: {}", NAME, e.toString());
        return ToolCallHandler.error(ErrorCode.INTERNAL, NAME + " failed: " + e.getMessage());
    }

    /**
     * The answer of {@code generate-report}: {@code root}, {@code summary} (the page's numbers) and {@code html}. The
     * first analyze-metrics call, the walk of the tree, reports its progress under {@code progressToken} (its later
     * pages and the other calls read what that walk parsed, and one token's progress must only grow).
     */
    public Mono<Map<String, Object>> report(McpAsyncServerExchange exchange, Map<String, Object> arguments,
                                            Optional<Object> progressToken) {
        String path = String.valueOf(arguments.get("path"));
        Optional<String> title = arguments.get("title") instanceof String s ? Optional.of(s) : Optional.empty();
        int hotspots = integer(arguments, "hotspots", DEFAULT_HOTSPOTS);
        int classes = integer(arguments, "classes", DEFAULT_CLASSES);
        int maxNodes = integer(arguments, "maxNodes", DEFAULT_MAX_NODES);
        Map<String, Object> metricsArguments = new LinkedHashMap<>(Map.of("path", path, "hotspots", hotspots,
                "detail", classes == 0 ? "summary" : "functions", "limit", METRICS_PAGE_FILES));
        return call(exchange, "analyze-metrics", metricsArguments, progressToken)
                .expand(page -> page.get("nextCursor") instanceof String cursor
                        ? call(exchange, "analyze-metrics", with(metricsArguments, "cursor", cursor)) : Mono.empty())
                .reduce(new Walk(classes), Walk::add)
                .flatMap(walk -> call(exchange, "analyze-dependencies", Map.of("path", path, "level", "file", "limit", 1))
                        .flatMap(deps -> call(exchange, "visualize-dependencies", Map.of("path", path, "format", "svg",
                                "level", "file", "maxNodes", maxNodes))
                                .map(picture -> answer(path, title, walk, deps, picture))));
    }

    private static Map<String, Object> answer(String path, Optional<String> title, Walk walk, Map<String, Object> deps,
                                              Map<String, Object> picture) {
        String root = String.valueOf(walk.first.getOrDefault("root", path));
        ReportPage.Page page;
        try {
            page = ReportPage.render(new ReportPage.Input(title.orElse(root), walk.first, walk.largest, deps, picture));
        } catch (IllegalArgumentException e) {
            throw new Failed(ErrorCode.INTERNAL, "visualize-dependencies answered a picture that is not SVG: "
                    + e.getMessage());
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("root", root);
        answer.put("summary", page.summary());
        answer.put("html", page.html());
        return answer;
    }

    /** The first analyze-metrics page (whole-tree totals and hotspots) and the largest classes of every page. */
    private static final class Walk {
        private final int keep;
        private Map<String, Object> first;
        private List<Map<String, Object>> largest = new ArrayList<>();

        Walk(int keep) {
            this.keep = keep;
        }

        Walk add(Map<String, Object> page) {
            if (first == null) {
                first = page;
            }
            for (Map<String, Object> file : ReportPage.list(page.get("files"))) {
                for (Map<String, Object> record : ReportPage.list(file.get("classes"))) {
                    Map<String, Object> placed = new LinkedHashMap<>(record);
                    placed.put("path", file.get("path"));
                    largest.add(placed);
                }
            }
            largest.sort(LARGEST_FIRST);
            largest = new ArrayList<>(largest.subList(0, Math.min(keep, largest.size())));
            return this;
        }
    }

    private Mono<Map<String, Object>> call(McpAsyncServerExchange exchange, String tool, Map<String, Object> arguments) {
        return call(exchange, tool, arguments, Optional.empty());
    }

    private Mono<Map<String, Object>> call(McpAsyncServerExchange exchange, String tool, Map<String, Object> arguments,
                                           Optional<Object> progressToken) {
        return tools.call(exchange, tool, arguments, progressToken).onErrorMap(ToolInvoker.ToolFailed.class, f -> new Failed(code(f.code()),
                tool + " failed: " + withoutCode(f.getMessage(), f.code())));
    }

    private static Map<String, Object> with(Map<String, Object> arguments, String key, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(arguments);
        more.put(key, value);
        return more;
    }

    private static int integer(Map<String, Object> arguments, String key, int otherwise) {
        return arguments.get(key) instanceof Number n ? n.intValue() : otherwise;
    }

    private static ErrorCode code(String name) {
        try {
            return ErrorCode.valueOf(name);
        } catch (IllegalArgumentException e) {
            return ErrorCode.INTERNAL;
        }
    }

    /** A tool's error text is "CODE: message (retryable)"; the report's own error says code and retry again. */
    static String withoutCode(String text, String code) {
        String message = text.startsWith(code + ": ") ? text.substring(code.length() + 2) : text;
        return message.replaceFirst(" \\((not )?retryable\\)$", "");
    }

    private static String write(Map<String, Object> answer) {
        try {
            return JSON.writeValueAsString(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a report always serializes", e);
        }
    }

    /** A call the report needs failed; the report fails with its code. */
    static final class Failed extends RuntimeException {
        private final ErrorCode code;

        Failed(ErrorCode code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }
}
