package io.mcpca.workers.run;

import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.paths.PathRejectedException;
import io.mcpca.shared.tools.ToolCatalog;
import io.mcpca.shared.tools.ToolDescriptor;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.ToolRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a {@link ToolRequest} into an analyzer call: confines the path argument to the roots (again:
 * the ingress checked too, but a worker trusts no stream entry), hands the analyzer the real path,
 * and reports paths back relative to their root so a caller can pass them to the next call.
 */
public final class ToolRunner {

    private final ToolCatalog catalog;
    private final PathGuard paths;
    private final AnalyzerPool analyzers;
    private final Clock clock;

    public ToolRunner(ToolCatalog catalog, PathGuard paths, AnalyzerPool analyzers, Clock clock) {
        this.catalog = catalog;
        this.paths = paths;
        this.analyzers = analyzers;
        this.clock = clock;
    }

    public AnalyzerOutcome run(ToolRequest request, ProgressListener progress) {
        Optional<ToolDescriptor> tool = catalog.find(request.tool());
        if (tool.isEmpty()) {
            return AnalyzerOutcome.failure(ErrorCode.UNKNOWN_TOOL, "unknown tool: " + request.tool());
        }
        Duration left = Duration.ofMillis(request.deadlineEpochMs() - clock.millis());
        if (left.isNegative() || left.isZero()) {
            return AnalyzerOutcome.failure(ErrorCode.DEADLINE_EXCEEDED, "the call's deadline passed before it ran");
        }
        Map<String, Object> args = new LinkedHashMap<>(request.arguments());
        String pathArgument = tool.get().pathArgument();
        Optional<Path> root = Optional.empty();
        if (!pathArgument.isEmpty() && args.get(pathArgument) instanceof String requested) {
            try {
                Path real = paths.resolve(requested);
                root = Optional.of(paths.rootOf(real));
                args.put(pathArgument, real.toString());
                args.put("relativeTo", root.get().toString());
            } catch (PathRejectedException e) {
                return AnalyzerOutcome.failure(e.code(), e.getMessage());
            }
        }
        AnalyzerOutcome outcome = analyzers.call(request.requestId(), request.tool(), args, left, progress);
        return root.map(r -> relativize(outcome, r)).orElse(outcome);
    }

    /** A single-file result names its file relative to the root, as directory results already do. */
    private static AnalyzerOutcome relativize(AnalyzerOutcome outcome, Path root) {
        if (!outcome.succeeded() || !(outcome.result().get("path") instanceof String path)) {
            return outcome;
        }
        Path p = Path.of(path);
        if (!p.isAbsolute() || !p.startsWith(root)) {
            return outcome;
        }
        Map<String, Object> result = new LinkedHashMap<>(outcome.result());
        String relative = root.relativize(p).toString();
        result.put("path", relative.isEmpty() ? "." : relative);
        return AnalyzerOutcome.success(result);
    }
}
