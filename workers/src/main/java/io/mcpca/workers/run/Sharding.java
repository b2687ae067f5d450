package io.mcpca.workers.run;

import io.mcpca.shared.wire.ToolRequest;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where {@link ToolRunner} hands a call that may run as shards (a large tree's {@code analyze-metrics}) after a
 * result-cache miss: the implementation plans it with the analyzer and, for a large tree, sends its shards and
 * says so; the call's entry then ends without a reply of its own (the merging shard answers it).
 */
public interface Sharding {

    /** The internal tools of a sharded call, which no client may call (they are in no tool list). */
    String PLAN_TOOL = "plan-shards";
    String SHARD_TOOL = "analyze-metrics-shard";
    String MERGE_TOOL = "merge-shards";

    /** A shard entry's arguments beside the call's own: its call's request id, its index and the shard count. */
    String SHARD_OF = "shardOf";
    String SHARD_INDEX = "shardIndex";
    String SHARD_COUNT = "shardCount";
    /** The tool of a shard's call ({@code analyze-metrics} or {@code analyze-repository}). */
    String SHARD_OF_TOOL = "shardOfTool";
    /**
     * The commit an {@code analyze-repository} call resolved its ref to: each worker that takes one of its shards
     * checks out this commit (never the ref again, which may have moved), and the merged answer names it.
     */
    String COMMIT = "commit";

    /** Whether a tool is one of the internal ones the worker runs for a sharded call. */
    static boolean isInternal(String tool) {
        return SHARD_TOOL.equals(tool) || MERGE_TOOL.equals(tool) || PLAN_TOOL.equals(tool);
    }

    /**
     * @param request      the call as it came
     * @param resolvedArgs its arguments with the path resolved (what the analyzer is given: for a repository, its
     *                     checkout here)
     * @param commit       the commit the answer names ({@code analyze-repository} of a git repository)
     * @param cacheKey     the whole call's result-cache key, if it is cached: the merge stores the answer there
     * @param analyze      runs an analyzer tool with arguments (for the plan)
     * @return whether the call now runs as shards
     */
    boolean fanOut(ToolRequest request, Map<String, Object> resolvedArgs, Optional<String> commit,
                   Optional<String> cacheKey, Function<Map<String, Object>, AnalyzerOutcome> analyze);

    /** Never shards. */
    Sharding NONE = (request, resolvedArgs, commit, cacheKey, analyze) -> false;
}
