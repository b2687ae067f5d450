package io.mcpca.workers.run;

import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.paths.PathRejectedException;
import io.mcpca.shared.tools.ToolCatalog;
import io.mcpca.shared.tools.ToolDescriptor;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.JsonBytes;
import io.mcpca.shared.wire.ToolRequest;
import io.mcpca.workers.cache.ResultCache;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a {@link ToolRequest} into an analyzer call: confines the path argument to the roots (again:
 * the ingress checked too, but a worker trusts no stream entry), looks the call up in the result cache
 * (keyed by the content digest of tool, version, arguments and input), hands the analyzer the real
 * path on a miss (with {@code relativeTo}: the analyzer reports every path relative to the root, so a caller
 * can pass them to the next call and the server's layout stays hidden) and stores a successful result as the
 * bytes it came in. A {@code ping} with {@code via: worker} is answered here, without an
 * analyzer: it measures the queue alone.
 */
public final class ToolRunner {

    private final ToolCatalog catalog;
    private final PathGuard paths;
    private final AnalyzerPool analyzers;
    private final Clock clock;
    private final ResultCache cache;
    private final Sharding sharding;

    public ToolRunner(ToolCatalog catalog, PathGuard paths, AnalyzerPool analyzers, Clock clock) {
        this(catalog, paths, analyzers, clock, ResultCache.NONE);
    }

    public ToolRunner(ToolCatalog catalog, PathGuard paths, AnalyzerPool analyzers, Clock clock, ResultCache cache) {
        this(catalog, paths, analyzers, clock, cache, Sharding.NONE);
    }

    /** @param sharding where a call that may run as shards goes after a result-cache miss */
    public ToolRunner(ToolCatalog catalog, PathGuard paths, AnalyzerPool analyzers, Clock clock, ResultCache cache,
                      Sharding sharding) {
        this.catalog = catalog;
        this.paths = paths;
        this.analyzers = analyzers;
        this.clock = clock;
        this.cache = cache;
        this.sharding = sharding;
    }

    /** Cancels a call running (or about to run) here; see {@link AnalyzerPool#cancel}. */
    public boolean cancel(String requestId) {
        return analyzers.cancel(requestId);
    }

    /** The tool answered by the worker itself, without an analyzer. */
    static final String PING = "ping";
    /** The worker's own ping answer: the same bytes every time. */
    private static final AnalyzerOutcome WORKER_PONG = AnalyzerOutcome.success(
            JsonBytes.of("{\"pong\":true,\"pid\":" + ProcessHandle.current().pid() + "}"));

    /**
     * Whether the worker answers this call itself, at once and without blocking ({@code ping} with
     * {@code via: worker}); such a call may run on the thread that read it.
     */
    public boolean answersItself(ToolRequest request) {
        return PING.equals(request.tool()) && "worker".equals(request.arguments().get("via"));
    }

    public AnalyzerOutcome run(ToolRequest request, ProgressListener progress) {
        if (answersItself(request)) {
            return request.arguments().containsKey("sleepMs")
                    ? AnalyzerOutcome.failure(ErrorCode.BAD_ARGUMENTS, "sleepMs needs via: analyzer (the worker "
                            + "answers a ping at once)")
                    : WORKER_PONG;
        }
        Optional<ToolDescriptor> tool = catalog.find(request.tool());
        // a sharded call's internal tools (never a client's: the ingress knows only the catalog) take a path
        boolean internal = Sharding.isInternal(request.tool());
        if (tool.isEmpty() && !internal) {
            return AnalyzerOutcome.failure(ErrorCode.UNKNOWN_TOOL, "unknown tool: " + request.tool());
        }
        Duration left = Duration.ofMillis(request.deadlineEpochMs() - clock.millis());
        if (left.isNegative() || left.isZero()) {
            return AnalyzerOutcome.failure(ErrorCode.DEADLINE_EXCEEDED, "the call's deadline passed before it ran");
        }
        Map<String, Object> args = new LinkedHashMap<>(request.arguments());
        String pathArgument = internal ? "path" : tool.get().pathArgument();
        Optional<Path> input = Optional.empty();
        if (!pathArgument.isEmpty() && args.get(pathArgument) instanceof String requested) {
            try {
                Path real = paths.resolve(requested);
                input = Optional.of(real);
                args.put(pathArgument, real.toString());
                args.put("relativeTo", paths.rootOf(real).toString());
            } catch (PathRejectedException e) {
                return AnalyzerOutcome.failure(e.code(), e.getMessage());
            }
        }
        Optional<String> key = internal ? Optional.empty() : cache.keyOf(tool.get(), request.arguments(), input);
        if (key.isPresent()) {
            Optional<JsonBytes> cached = cache.get(key.get());
            if (cached.isPresent()) {
                return AnalyzerOutcome.cached(cached.get());
            }
        }
        if (!internal && sharding.fanOut(request, args, key, planArgs -> analyzers.call(request.requestId() + "#plan",
                Sharding.PLAN_TOOL, planArgs, Duration.ofMillis(Math.max(1, request.deadlineEpochMs() - clock.millis())),
                ProgressListener.NONE))) {
            return AnalyzerOutcome.FANNED_OUT;
        }
        AnalyzerOutcome outcome = analyzers.call(request.requestId(), request.tool(), args, left, progress);
        if (outcome.succeeded() && key.isPresent()) {
            cache.put(key.get(), outcome.result());
        }
        return outcome;
    }
}
