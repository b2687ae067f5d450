package io.mcpca.ingress.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.mcpca.ingress.mcp.ServerFeatures;
import io.mcpca.ingress.mcp.ToolInvoker;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncResourceTemplateSpecification;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceRequest;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.Resource;
import io.modelcontextprotocol.spec.McpSchema.ResourceTemplate;
import io.modelcontextprotocol.spec.McpSchema.ResourcesUpdatedNotification;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Analysis results as MCP resources, read through the same tools and checks as a call of the reader:
 * {@code analysis://summary/{path}} (analyze-metrics' whole-tree summary of a directory),
 * {@code analysis://metrics/{path}} (calculate-metrics of a file), {@code analysis://batch/{batchId}} (a batch's
 * status; the reader's own batches only) and {@code analysis://report/{path}} (generate-report's HTML page of a
 * directory, as {@code text/html}). A batch's status changes while it runs: a client that read it and
 * subscribed gets {@code notifications/resources/updated} whenever its progress moves, until it ends (the SDK
 * delivers them to subscribers only). Paths are relative to the first root, percent-encoding allowed.
 */
public final class AnalysisResources implements ServerFeatures {

    private static final Logger log = LoggerFactory.getLogger(AnalysisResources.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SUMMARY = "analysis://summary/";
    static final String METRICS = "analysis://metrics/";
    static final String BATCH = "analysis://batch/";
    static final String REPORT = "analysis://report/";
    /** How often watched batches are read again: as often as batch-status' own watch. */
    static final Duration WATCH_PERIOD = Duration.ofMillis(500);

    private final ToolInvoker tools;
    /** Batch resources read lately, with the reader (whose principal may read them) and the progress last seen. */
    private final Cache<String, Watched> watched = Caffeine.newBuilder().maximumSize(1_000)
            .expireAfterWrite(Duration.ofHours(1)).build();
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mcpca-resource-watch");
        t.setDaemon(true);
        return t;
    });
    private volatile Optional<McpAsyncServer> server = Optional.empty();

    private record Watched(McpAsyncServerExchange reader, String progress) {
    }

    public AnalysisResources(ToolInvoker tools) {
        this.tools = tools;
    }

    @Override
    public List<AsyncResourceSpecification> resources() {
        return List.of(new AsyncResourceSpecification(Resource.builder().uri(SUMMARY + ".").name("summary")
                .title("Summary of the first analysis root").mimeType("application/json")
                .description("analyze-metrics' whole-tree summary (totals, directories, hotspots, skipped) of the "
                        + "first analysis root").build(), this::read));
    }

    @Override
    public List<AsyncResourceTemplateSpecification> templates() {
        return List.of(
                template(SUMMARY + "{path}", "summary", "Summary of a directory",
                        "analyze-metrics' whole-tree summary of a directory under a root"),
                template(METRICS + "{path}", "metrics", "Metrics of a file",
                        "calculate-metrics of a file under a root: lines and each function's complexity"),
                template(BATCH + "{batchId}", "batch", "A batch's progress",
                        "batch-status of one of your batches; subscribe to be told when its progress moves"),
                template(REPORT + "{path}", "report", "HTML report of a directory", "generate-report's page of a "
                        + "directory under a root: summary, hotspots, dependency graph, cycles, largest classes",
                        "text/html"));
    }

    /** Starts telling subscribers of batch resources about progress, through the server that serves them. */
    @Override
    public synchronized void attach(McpAsyncServer server) {
        if (this.server.isPresent()) {
            return;
        }
        this.server = Optional.of(server);
        watcher.scheduleWithFixedDelay(this::pollWatched, WATCH_PERIOD.toMillis(), WATCH_PERIOD.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private AsyncResourceTemplateSpecification template(String uri, String name, String title, String description) {
        return template(uri, name, title, description, "application/json");
    }

    private AsyncResourceTemplateSpecification template(String uri, String name, String title, String description,
                                                        String mimeType) {
        return new AsyncResourceTemplateSpecification(ResourceTemplate.builder().uriTemplate(uri).name(name).title(title)
                .description(description).mimeType(mimeType).build(), this::read);
    }

    private Mono<ReadResourceResult> read(McpAsyncServerExchange exchange, ReadResourceRequest request) {
        String uri = request.uri();
        Optional<Map.Entry<String, Map<String, Object>>> call = toolCall(uri);
        if (call.isEmpty()) {
            return Mono.error(McpError.RESOURCE_NOT_FOUND.apply(uri));
        }
        String tool = call.get().getKey();
        return tools.call(exchange, tool, call.get().getValue())
                .doOnNext(answer -> {
                    if (uri.startsWith(BATCH) && !finished(answer)) {
                        watched.put(uri, new Watched(exchange, progress(answer)));
                    }
                })
                .map(answer -> new ReadResourceResult(List.of(uri.startsWith(REPORT)
                        ? new TextResourceContents(uri, "text/html", String.valueOf(answer.get("html")))
                        : new TextResourceContents(uri, "application/json", json(answer)))))
                .onErrorMap(ToolInvoker.ToolFailed.class, failed -> failed.code().equals("NOT_FOUND")
                        || failed.code().equals("PATH_OUTSIDE_ROOTS") ? McpError.RESOURCE_NOT_FOUND.apply(uri)
                        : McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS)
                                .message(failed.code() + ": " + failed.getMessage()).build());
    }

    /** The tool and arguments a resource URI is read with; empty for a URI that is none of ours. */
    static Optional<Map.Entry<String, Map<String, Object>>> toolCall(String uri) {
        Function<String, String> rest = prefix -> URLDecoder.decode(uri.substring(prefix.length()), StandardCharsets.UTF_8);
        if (uri.startsWith(SUMMARY) && uri.length() > SUMMARY.length()) {
            return Optional.of(Map.entry("analyze-metrics", Map.of("path", rest.apply(SUMMARY), "detail", "summary")));
        }
        if (uri.startsWith(METRICS) && uri.length() > METRICS.length()) {
            return Optional.of(Map.entry("calculate-metrics", Map.of("path", rest.apply(METRICS))));
        }
        if (uri.startsWith(REPORT) && uri.length() > REPORT.length()) {
            return Optional.of(Map.entry("generate-report", Map.of("path", rest.apply(REPORT))));
        }
        if (uri.startsWith(BATCH) && uri.length() > BATCH.length()) {
            return Optional.of(Map.entry("batch-status", Map.of("batchId", rest.apply(BATCH))));
        }
        return Optional.empty();
    }

    /** Reads every watched batch again; one whose progress moved is announced to its subscribers. */
    private void pollWatched() {
        watched.asMap().forEach((uri, seen) -> {
            try {
                Map<String, Object> answer = tools.call(seen.reader(), "batch-status", toolCall(uri).orElseThrow()
                        .getValue()).block(Duration.ofSeconds(10));
                if (answer == null) {
                    return;
                }
                String now = progress(answer);
                if (!now.equals(seen.progress())) {
                    server.ifPresent(s -> s.notifyResourcesUpdated(new ResourcesUpdatedNotification(uri))
                            .block(Duration.ofSeconds(5)));
                }
                if (finished(answer)) {
                    watched.invalidate(uri);
                } else {
                    watched.put(uri, new Watched(seen.reader(), now));
                }
            } catch (RuntimeException e) {
                log.debug("batch resource {} no longer watched: {}", uri, e.toString());
                watched.invalidate(uri);
            }
        });
    }

    private static String progress(Map<String, Object> status) {
        return status.get("state") + " " + status.get("done") + "/" + status.get("total");
    }

    private static boolean finished(Map<String, Object> status) {
        Object state = status.get("state");
        return "COMPLETED".equals(state) || "CANCELLED".equals(state);
    }

    private static String json(Map<String, Object> answer) {
        try {
            return JSON.writeValueAsString(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tool answer always serializes", e);
        }
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }
}
