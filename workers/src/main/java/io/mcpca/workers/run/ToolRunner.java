package io.mcpca.workers.run;

import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.paths.PathRejectedException;
import io.mcpca.shared.tools.ToolCatalog;
import io.mcpca.shared.tools.ToolDescriptor;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.shared.wire.JsonBytes;
import io.mcpca.shared.wire.ToolRequest;
import io.mcpca.workers.batch.BatchGate;
import io.mcpca.workers.cache.ResultCache;
import io.mcpca.workers.checkout.CheckoutException;
import io.mcpca.workers.checkout.RepositoryCheckouts;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a {@link ToolRequest} into an analyzer call: confines the path argument to the roots (again:
 * the ingress checked too, but a worker trusts no stream entry; {@link CallInputs}, which also checks out the
 * repository of {@code analyze-repository} and confines each item of {@code analyze-files}), looks the call up in the result cache
 * (keyed by the content digest of tool, version, arguments and input), hands the analyzer the real
 * path on a miss (with {@code relativeTo}: the analyzer reports every path relative to the root, so a caller
 * can pass them to the next call and the server's layout stays hidden) and stores a successful result as the
 * bytes it came in. A {@code ping} with {@code via: worker} is answered here, without an
 * analyzer: it measures the queue alone.
 */
public final class ToolRunner {

    private final ToolCatalog catalog;
    private final AnalyzerPool analyzers;
    private final Clock clock;
    private final ResultCache cache;
    private final Optional<BatchGate> batches;
    private final CallInputs inputs;
    private final Sharding sharding;

    public ToolRunner(ToolCatalog catalog, PathGuard paths, AnalyzerPool analyzers, Clock clock) {
        this(catalog, paths, analyzers, clock, ResultCache.NONE);
    }

    public ToolRunner(ToolCatalog catalog, PathGuard paths, AnalyzerPool analyzers, Clock clock, ResultCache cache) {
        this(catalog, paths, analyzers, clock, cache, Optional.empty(), Optional.empty(), Sharding.NONE);
    }

    /**
     * @param batches      whether a batch item may still start (its batch not cancelled)
     * @param repositories the checkouts of {@code analyze-repository}; without them it answers UNAVAILABLE
     * @param sharding     where a call that may run as shards goes after a result-cache miss
     */
    public ToolRunner(ToolCatalog catalog, PathGuard paths, AnalyzerPool analyzers, Clock clock, ResultCache cache,
                      Optional<BatchGate> batches, Optional<RepositoryCheckouts> repositories, Sharding sharding) {
        this.catalog = catalog;
        this.analyzers = analyzers;
        this.clock = clock;
        this.cache = cache;
        this.batches = batches;
        this.inputs = new CallInputs(paths, repositories);
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
        if (request.inBatch() && batches.isPresent() && !batches.get().mayRun(request.batchId())) {
            return AnalyzerOutcome.cancelled("the batch was cancelled (or has expired) before this item started");
        }
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
        CallInputs.Prepared call;
        try {
            call = internal ? inputs.internal(request.tool(), request.arguments(), left)
                    : inputs.prepare(tool.get(), request.arguments(), left);
        } catch (PathRejectedException e) {
            return AnalyzerOutcome.failure(e.code(), e.getMessage());
        } catch (CheckoutException e) {
            return AnalyzerOutcome.failure(e.code(), e.getMessage());
        }
        try (call) {
            Optional<String> key = call.cacheable() ? cache.keyOf(tool.get(), call.keyArguments(), call.input())
                    : Optional.empty();
            if (key.isPresent()) {
                Optional<JsonBytes> cached = cache.get(key.get());
                if (cached.isPresent()) {
                    return AnalyzerOutcome.cached(cached.get());
                }
            }
            Map<String, Object> args;
            try {
                args = call.analyzerArgs();
            } catch (CheckoutException e) {
                return AnalyzerOutcome.failure(e.code(), e.getMessage());
            }
            // a checkout may have taken part of the call's time
            Duration rest = Duration.ofMillis(request.deadlineEpochMs() - clock.millis());
            if (rest.isNegative() || rest.isZero()) {
                return AnalyzerOutcome.failure(ErrorCode.DEADLINE_EXCEEDED, "the call's deadline passed during its checkout");
            }
            // a batch item is never sharded: a batch already spreads its items over the pool, and its outcome is
            // recorded by the item's own end (decision 016), not by a merging shard
            if (!internal && !request.inBatch() && sharding.fanOut(request, args, call.commit(), key,
                    planArgs -> analyzers.call(request.requestId() + "#plan", Sharding.PLAN_TOOL, planArgs,
                            Duration.ofMillis(Math.max(1, request.deadlineEpochMs() - clock.millis())),
                            ProgressListener.NONE))) {
                return AnalyzerOutcome.FANNED_OUT;
            }
            AnalyzerOutcome outcome = analyzers.call(request.requestId(), call.analyzerTool(), args, rest, progress);
            if (outcome.succeeded() && call.commit().isPresent()) {
                outcome = AnalyzerOutcome.success(withCommit(outcome.result(), call.commit().get()));
            }
            if (outcome.succeeded() && key.isPresent()) {
                cache.put(key.get(), outcome.result());
            }
            return outcome;
        }
    }

    /**
     * The analyzer's answer object with {@code "commit"} first: bytes spliced after the opening brace, nothing
     * parsed (the commit is 40 or 64 hex digits, so it needs no escaping). A sharded call's merge splices it the same way.
     */
    public static JsonBytes withCommit(JsonBytes result, String commit) {
        byte[] body = result.utf8();
        int open = 0;
        while (open < body.length && body[open] != '{') {
            open++;
        }
        int next = open + 1;
        while (next < body.length && Character.isWhitespace(body[next])) {
            next++;
        }
        boolean empty = next < body.length && body[next] == '}';
        byte[] field = ("\"commit\":\"" + commit + "\"" + (empty ? "" : ",")).getBytes(StandardCharsets.US_ASCII);
        byte[] spliced = new byte[body.length + field.length];
        System.arraycopy(body, 0, spliced, 0, open + 1);
        System.arraycopy(field, 0, spliced, open + 1, field.length);
        System.arraycopy(body, open + 1, spliced, open + 1 + field.length, body.length - open - 1);
        return new JsonBytes(spliced);
    }
}
