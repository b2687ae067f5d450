package io.mcpca.workers.shard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.wire.ToolRequest;
import io.mcpca.workers.run.AnalyzerOutcome;
import io.mcpca.workers.run.Sharding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans a large tree's {@code analyze-metrics} or {@code analyze-repository} out as shards (decisions 018, 021): 1. only a first page (no
 * {@code cursor}) is sharded: later pages are ordinary calls, answered from the caches the shards filled;
 * 2. the analyzer plans ({@code plan-shards}: the sorted file list cut into runs of about equal bytes; a tree under
 * {@code minBytes} is one run, and the call goes on as one call); 3. the shard record is written once per call
 * and the shard entries go to the call's own partition of the pool's request stream, where any worker of the
 * pool takes them like any call (a crash mid-shard is the ordinary redelivery). The calling thread never waits
 * for a shard. A repository's shards name its URL (or local path) and the commit the call resolved: each worker
 * that takes one checks that commit out in its own checkout cache (or finds it there), and the merge puts the commit
 * into the answer as the unsharded call does.
 */
public final class ShardFanOut implements Sharding {

    private static final Logger log = LoggerFactory.getLogger(ShardFanOut.class);
    /** The shard record outlives the call's deadline by this much: a late shard then finds it and is dropped. */
    private static final Duration RECORD_MARGIN = Duration.ofMinutes(2);

    private final Set<String> tools;
    private final ShardSettings settings;
    private final ShardRecords records;
    private final Keys keys;
    private final int partitions;
    private final String pool;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param tools the tools that may run as shards ({@code analyze-metrics}, {@code analyze-repository}: those of
     *              {@code pool})
     * @param pool  the pool they run in, whose request stream takes the shards
     */
    public ShardFanOut(Set<String> tools, ShardSettings settings, ShardRecords records, Keys keys, int partitions,
                       String pool, Clock clock) {
        this.tools = Set.copyOf(tools);
        this.settings = settings;
        this.records = records;
        this.keys = keys;
        this.partitions = partitions;
        this.pool = pool;
        this.clock = clock;
    }

    @Override
    public boolean fanOut(ToolRequest request, Map<String, Object> resolvedArgs, Optional<String> commit,
                          Optional<String> cacheKey, Function<Map<String, Object>, AnalyzerOutcome> analyze) {
        if (!settings.enabled() || !tools.contains(request.tool()) || request.arguments().get("cursor") != null) {
            return false;
        }
        Map<String, Object> planArgs = new LinkedHashMap<>();
        planArgs.put("path", resolvedArgs.get("path"));
        planArgs.put("minBytes", settings.minBytes());
        planArgs.put("targetBytes", settings.targetBytes());
        planArgs.put("maxShards", settings.maxShards());
        long started = System.nanoTime();
        AnalyzerOutcome planned = analyze.apply(planArgs);
        long planMs = (System.nanoTime() - started) / 1_000_000;
        if (!planned.succeeded()) {
            // the call itself will say what is wrong (a missing path, say)
            return false;
        }
        List<Bounds> shards = boundsOf(planned.result().utf8());
        if (shards.size() < 2) {
            return false;
        }
        ShardRecords.Begun begun = records.begin(request.requestId(), shards.size(),
                new String(planned.result().utf8(), StandardCharsets.UTF_8), cacheKey,
                Duration.ofMillis(Math.max(0, request.deadlineEpochMs() - clock.millis())).plus(RECORD_MARGIN));
        List<Bounds> sent = boundsOf(begun.plan().getBytes(StandardCharsets.UTF_8));
        byte[] stream = keys.requestStream(pool, Keys.partitionOf(request.sessionId(), partitions))
                .getBytes(StandardCharsets.UTF_8);
        records.send(stream, shardRequests(request, commit, sent));
        log.info("call {}: planned in {} ms, {} shards sent{} ({})", request.requestId(), planMs, sent.size(),
                begun.recordedNow() ? "" : " again (an earlier delivery recorded them)", begun.plan());
        return true;
    }

    /** The id of shard {@code index} of call {@code requestId}. */
    static String shardRequestId(String requestId, int index) {
        return requestId + "#shard-" + index;
    }

    private static List<ToolRequest> shardRequests(ToolRequest call, Optional<String> commit, List<Bounds> shards) {
        List<ToolRequest> requests = new ArrayList<>(shards.size());
        for (int i = 0; i < shards.size(); i++) {
            Map<String, Object> args = new LinkedHashMap<>(call.arguments());
            Map<String, Object> bounds = new HashMap<>();
            bounds.put("from", shards.get(i).from());
            bounds.put("to", shards.get(i).to());
            args.put("shard", bounds);
            args.put(Sharding.SHARD_OF, call.requestId());
            args.put(Sharding.SHARD_INDEX, i);
            args.put(Sharding.SHARD_COUNT, shards.size());
            args.put(Sharding.SHARD_OF_TOOL, call.tool());
            commit.ifPresent(c -> args.put(Sharding.COMMIT, c));
            requests.add(new ToolRequest(ToolRequest.VERSION, shardRequestId(call.requestId(), i), call.sessionId(),
                    SHARD_TOOL, args, call.replyTo(), call.deadlineEpochMs(), call.correlationId(), ""));
        }
        return requests;
    }

    /** A shard's bounds as the plan names them (null: from the first file, to the last). */
    private record Bounds(String from, String to) {
    }

    private List<Bounds> boundsOf(byte[] plan) {
        try {
            List<Bounds> bounds = new ArrayList<>();
            for (JsonNode shard : json.readTree(plan).path("shards")) {
                bounds.add(new Bounds(text(shard.get("from")), text(shard.get("to"))));
            }
            return bounds;
        } catch (IOException e) {
            throw new IllegalStateException("the analyzer's shard plan is not JSON: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
