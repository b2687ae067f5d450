package io.mcpca.app;

import static io.mcpca.app.PipelineIT.structured;
import static io.mcpca.app.PipelineIT.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.mcpca.app.faults.CrashingAnalyzer;
import io.mcpca.shared.redis.RedisConnection;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.testing.RedisCluster;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.workers.config.WorkerRuntime;
import io.mcpca.workers.run.AnalyzerPool;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: every session left its fence counter in Redis forever. A mixed workload through the whole
 * pipeline (sessions with locked calls, sessionless pings, cached results, a poison call dead-lettered, a
 * cancelled call, sharded analyze-metrics) and then every key without a time to live (SCAN + PTTL -1) must be on the allowlist below,
 * each with the reason it is bounded anyway; anything else left forever fails this.
 */
class KeyLifetimesIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    /** Kinds of key (the name's second segment) that may live without a TTL, and what bounds them. */
    static final Map<String, String> WITHOUT_TTL = Map.of(
            "req", "request streams: one per pool partition and three batch lanes (by priority) per pool, trimmed by "
                    + "XADD MAXLEN ~ (mcpca.request-stream-max-len)",
            "dlq", "dead-letter streams: one per pool, trimmed by XADD MAXLEN ~ (DeadLetters.MAX_LEN)",
            "workers", "the worker registry hash: one field per live worker, stale ones pruned by every heartbeat");

    /** ping with this sleepMs makes the wrapper analyzer exit: a crash on every delivery. */
    static final int POISON_SLEEP_MS = 4242;

    @TempDir
    Path tmp;

    @Test
    void afterAMixedWorkloadOnlyBoundedKeysLiveWithoutATtl() throws Exception {
        mixedWorkload(REDIS.uri(), REDIS.sync(), REDIS.newPrefix());
    }

    /**
     * Issue 19: the same workload, unchanged, on a Redis Cluster (3 masters + 3 replicas): every script, stream,
     * lease, cache, batch, shard, cancel event, session and insight works across slots, and no key is left without
     * a TTL on any master (SCAN and KEYS visit every master).
     */
    @Test
    void onAClusterTheSameWorkloadWorksAndLeavesOnlyBoundedKeys() throws Exception {
        try (RedisCluster cluster = RedisCluster.start();
             RedisConnections connections = new RedisConnections(cluster.uri());
             RedisConnection<String, String> connection = connections.strings()) {
            mixedWorkload(cluster.uri(), connection.sync(), "kl" + Long.toHexString(System.nanoTime()));
        }
    }

    private void mixedWorkload(String redisUri, RedisClusterCommands<String, String> redis, String prefix)
            throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.writeString(root.resolve("A.java"), "class A { int f(int x) { return x > 0 ? 1 : 2; } }\n");
        Files.writeString(root.resolve("b.py"), "def g():\n    return 1\n");
        try (PipelineHarness harness = new PipelineHarness(redisUri, prefix, root,
                "--mcpca.worker.analyzer-path=" + CrashingAnalyzer.write(tmp, POISON_SLEEP_MS), "--mcpca.worker.max-deliveries=2",
                "--mcpca.worker.min-idle=1s", "--mcpca.worker.reclaim-period=300ms",
                "--mcpca.worker.retry-backoff=20ms",
                // analyze-metrics of the two-file root runs as two shards: their shard records must expire too
                "--mcpca.worker.shard-min-bytes=1B", "--mcpca.worker.shard-target-bytes=1B")) {
            for (int s = 0; s < 3; s++) {
                McpSyncClient client = harness.client();
                for (int round = 0; round < 2; round++) { // the second round is served from the result cache
                    structured(call(client, "calculate-metrics", Map.of("path", "A.java")));
                    structured(call(client, "analyze-metrics", Map.of("path", ".")));
                    structured(call(client, "symbols", Map.of("path", "b.py")));
                    structured(call(client, "search-symbols", Map.of("path", ".", "query", "g")));
                    structured(call(client, "ping", Map.of()));
                    structured(call(client, "ping", Map.of("via", "worker")));
                }
                assertThat(call(client, "calculate-metrics", Map.of("path", "missing.py")).isError()).isTrue();
            }
            CallToolResult poison = call(harness.client(), "ping", Map.of("sleepMs", POISON_SLEEP_MS));
            assertThat(text(poison)).contains("DEAD_LETTERED");
            cancelOneCall(harness);
            batches(harness.client());
            McpSyncClient memory = harness.client();
            String session = (String) structured(call(memory, "create-session", Map.of("name", "kept"))).get("sessionId");
            structured(memory.callTool(new CallToolRequest("symbols", Map.of("path", "A.java"), Map.of("sessionId", session))));
            structured(call(memory, "store-codebase-insight", Map.of("repository", ".", "text", "f is a sign check",
                    "anchors", List.of(Map.of("file", "A.java", "symbol", "f")))));

            List<String> forever = keysWithoutTtl(redis, prefix);
            Map<String, String> unbounded = new TreeMap<>();
            forever.stream().filter(key -> !WITHOUT_TTL.containsKey(kind(key, prefix)))
                    .forEach(key -> unbounded.put(key, redis.type(key)));
            System.out.println("KeyLifetimesIT: " + redis.dbsize() + " keys, without a TTL: " + forever);
            assertThat(unbounded).as("keys that live forever and are not on the allowlist " + WITHOUT_TTL.keySet())
                    .isEmpty();
            assertThat(forever).as("the allowlisted kinds were written").anyMatch(k -> kind(k, prefix).equals("dlq"));
            assertThat(redis.keys(prefix + ":shards:*")).as("sharded calls ran").isNotEmpty();
            assertThat(redis.keys(prefix + ":insight*")).as("insights were stored").hasSize(2);
            assertThat(redis.hget(prefix + ":session:{" + session + "}", "_owner")).as("a named session").isNotNull();
        }
    }

    private static CallToolResult call(McpSyncClient client, String tool, Map<String, Object> arguments) {
        return client.callTool(new CallToolRequest(tool, arguments));
    }

    /** A long ping on a session of its own, cancelled with {@code notifications/cancelled} while it runs. */
    private static void cancelOneCall(PipelineHarness harness) throws Exception {
        HttpResponse<String> init = CancellationIT.post(harness, null, Map.of("jsonrpc", "2.0", "id", 1,
                "method", "initialize", "params", Map.of("protocolVersion", "2025-06-18", "capabilities", Map.of(),
                        "clientInfo", Map.of("name", "key-lifetimes", "version", "1"))));
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        CancellationIT.post(harness, session, Map.of("jsonrpc", "2.0", "method", "notifications/initialized"));
        CompletableFuture<HttpResponse<String>> call = CompletableFuture.supplyAsync(() -> CancellationIT.post(harness,
                session, Map.of("jsonrpc", "2.0", "id", 7, "method", "tools/call",
                        "params", Map.of("name", "ping", "arguments", Map.of("sleepMs", 20_000)))));
        AnalyzerPool fast = harness.worker().getBean(WorkerRuntime.class).analyzerPools().get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> !fast.runningCalls().isEmpty());
        CancellationIT.post(harness, session, Map.of("jsonrpc", "2.0", "method", "notifications/cancelled",
                "params", Map.of("requestId", 7, "reason", "key lifetimes")));
        assertThat(call.get().body()).contains("\"isError\":true");
    }

    /** Issue 15: a finished batch (one result inline, its record, items and the owner's index) and a cancelled one. */
    private static void batches(McpSyncClient client) {
        String done = batchId(call(client, "submit-batch", Map.of("files", List.of("A.java", "b.py"))));
        await().atMost(Duration.ofSeconds(30)).until(() -> text(call(client, "batch-status", Map.of("batchId", done)))
                .contains("\"state\":\"COMPLETED\""));
        String cancelled = batchId(call(client, "submit-batch", Map.of("items",
                List.of(Map.of("tool", "ping", "arguments", Map.of("sleepMs", 20_000))))));
        call(client, "cancel-batch", Map.of("batchId", cancelled));
        await().atMost(Duration.ofSeconds(30)).until(() -> text(call(client, "batch-status",
                Map.of("batchId", cancelled))).contains("\"state\":\"CANCELLED\""));
        assertThat(text(call(client, "list-batches", Map.of()))).contains(done, cancelled);
    }

    private static String batchId(CallToolResult submitted) {
        String json = text(submitted);
        int at = json.indexOf("\"batchId\":\"") + "\"batchId\":\"".length();
        return json.substring(at, json.indexOf('"', at));
    }

    /** Every key of {@code prefix} whose PTTL is -1 (exists, no expiry), from SCAN. */
    static List<String> keysWithoutTtl(RedisClusterCommands<String, String> redis, String prefix) {
        List<String> forever = new java.util.ArrayList<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(prefix + ":*").limit(1000));
            page.getKeys().stream().filter(key -> redis.pttl(key) == -1).forEach(forever::add);
            cursor = page;
        } while (!cursor.isFinished());
        return forever;
    }

    private static String kind(String key, String prefix) {
        String rest = key.substring(prefix.length() + 1);
        int end = rest.indexOf(':');
        return end < 0 ? rest : rest.substring(0, end);
    }
}
