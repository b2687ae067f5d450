package io.mcpca.app.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mcpca.app.GitRepos;
import io.mcpca.shared.redis.RedisServerProcess;
import io.mcpca.shared.testing.RedisServerExtension;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: a large tree's {@code analyze-metrics} runs as shards on two worker processes (a {@code serve} and a
 * worker JVM, real Redis, real analyzers, the official MCP client), with the shard threshold lowered so this
 * repository's own sources shard; the answer equals, after canonical JSON, what one analyzer scanning the whole
 * tree answers. Then a worker is killed while it holds shards: the survivor's redelivery gives the same answer.
 * {@code analyze-repository} of a git repository made from a copy of those sources shards the same way (decision
 * 021): by URL at a tag, by local path at a branch and in place, each answer the unsharded one plus its commit; a
 * small repository stays one call; and a worker that never saw the call checks the commit out itself.
 */
class ShardedAnalysisIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    /** The worktree: its own sources are the real trees analysed. */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    @TempDir
    Path dir;

    /** Both JVMs: no result cache (every call runs), a shard per ~96 KB of source from 64 KB on. */
    private String[] settings(String name) {
        return new String[] {"--mcpca.cache.enabled=false", "--mcpca.worker.shard-min-bytes=64KB",
                "--mcpca.worker.shard-target-bytes=96KB", "--mcpca.worker.concurrency=2",
                "--mcpca.worker.min-idle=2s", "--mcpca.worker.reclaim-period=500ms",
                "--mcpca.worker.analyzer-cache-dir=" + dir.resolve(name + "-cache"),
                "--mcpca.worker.checkout.dir=" + dir.resolve(name + "-checkouts")};
    }

    @Test
    void shardedAndUnshardedAnalysisOfRealTreesGiveIdenticalJson() throws Exception {
        String prefix = REDIS.newPrefix();
        int port = RedisServerProcess.freePort();
        try (WorkerJvm serve = WorkerJvm.serve(dir, "serve", REDIS.uri(), prefix, ROOT, port, settings("serve"));
             WorkerJvm worker = WorkerJvm.start(dir, "worker", REDIS.uri(), prefix, ROOT,
                     with(settings("worker"), "--mcpca.worker.pools=heavy"))) {
            McpSyncClient client = client(port);
            List<Map<String, Object>> calls = List.of(
                    args("rust-workers/crates"),
                    args("rust-workers/crates", "limit", 7, "hotspots", 40, "detail", "files"),
                    args("ingress/src", "detail", "summary", "directoryDepth", 2),
                    args("ingress/src", "limit", 1));
            for (Map<String, Object> call : calls) {
                JsonNode sharded = answer(client, call);
                JsonNode whole = unsharded(call);
                assertThat(canonical(sharded)).as("sharded vs unsharded, %s", call).isEqualTo(canonical(whole));
                assertThat(whole.path("page").path("totalFiles").asInt()).as("a real tree").isGreaterThan(10);
            }
            assertThat(serve.log() + worker.log()).as("the calls ran as shards").contains("shards sent")
                    .contains("shards merged");
            client.closeGracefully();
        }
    }

    @Test
    void aWorkerKilledMidShardChangesNothingInTheAnswer() throws Exception {
        String prefix = REDIS.newPrefix();
        int port = RedisServerProcess.freePort();
        Map<String, Object> call = args("rust-workers/crates", "hotspots", 20);
        JsonNode whole = unsharded(call);
        try (WorkerJvm serve = WorkerJvm.serve(dir, "serve", REDIS.uri(), prefix, ROOT, port,
                with(settings("serve"), "--mcpca.worker.pools=fast"));
             WorkerJvm victim = WorkerJvm.start(dir, "victim", REDIS.uri(), prefix, ROOT,
                     with(settings("victim"), "--mcpca.worker.pools=heavy", "--mcpca.worker.concurrency=1",
                             "--mcpca.worker.shard-target-bytes=48KB"))) {
            McpSyncClient client = client(port);
            // the victim is the heavy pool's only worker: it plans, sends and takes the shards, one at a time
            // (~18 shards of ~48 KB, each a walk of the tree and a scan: it is killed long before the last)
            CompletableFuture<CallToolResult> pending = CompletableFuture.supplyAsync(
                    () -> client.callTool(new CallToolRequest("analyze-metrics", call)));
            await().atMost(120, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20))
                    .until(() -> victim.log().contains("shards sent"));
            victim.kill9();
            assertThat(pending).as("not answered before the kill").isNotDone();
            try (WorkerJvm survivor = WorkerJvm.start(dir, "survivor", REDIS.uri(), prefix, ROOT,
                    with(settings("survivor"), "--mcpca.worker.pools=heavy"))) {
                CallToolResult result = pending.get(180, TimeUnit.SECONDS);
                assertThat(result.isError()).as("%s", result.content()).isNotEqualTo(Boolean.TRUE);
                assertThat(canonical(JSON.readTree(text(result)))).isEqualTo(canonical(whole));
                assertThat(survivor.log()).contains("shards merged");
            }
            client.closeGracefully();
        }
    }

    @Test
    void analyzeRepositoryOfALargeTreeRunsAsShardsAndAnswersAsUnshardedPlusItsCommit() throws Exception {
        Repository repo = repository();
        String prefix = REDIS.newPrefix();
        int port = RedisServerProcess.freePort();
        try (WorkerJvm serve = WorkerJvm.serve(dir, "repo-serve", REDIS.uri(), prefix, repo.root(), port,
                settings("repo-serve"));
             WorkerJvm worker = WorkerJvm.start(dir, "repo-worker", REDIS.uri(), prefix, repo.root(),
                     with(settings("repo-worker"), "--mcpca.worker.pools=heavy"))) {
            McpSyncClient client = client(port);
            Map<String, Object> byUrl = args(null, "url", repo.tree().toUri().toString(), "ref", "v1", "hotspots", 25);
            Map<String, Object> byPath = args("big", "ref", "main", "limit", 7, "detail", "files", "directoryDepth", 1);
            Map<String, Object> inPlace = args("big", "detail", "summary");
            assertThat(repositoryAnswer(client, byUrl, repo.v1()))
                    .isEqualTo(canonical(unsharded(repo.v1Tree(), byUrl)));
            assertThat(repositoryAnswer(client, byPath, repo.main()))
                    .isEqualTo(canonical(unsharded(repo.tree(), byPath)));
            assertThat(repositoryAnswer(client, inPlace, repo.main()))
                    .isEqualTo(canonical(unsharded(repo.tree(), inPlace)));
            // a repository under the threshold is one call: no fourth fan-out
            Map<String, Object> small = args("small");
            assertThat(repositoryAnswer(client, small, repo.small()))
                    .isEqualTo(canonical(unsharded(repo.root().resolve("small"), small)));
            String logs = serve.log() + worker.log();
            assertThat(count(logs, "shards sent")).as("three fan-outs").isEqualTo(3);
            assertThat(count(logs, "shards merged")).isEqualTo(3);
            client.closeGracefully();
        }
    }

    @Test
    void aRepositoryShardTakenByAWorkerThatNeverSawTheCallChecksTheCommitOutItself() throws Exception {
        Repository repo = repository();
        String prefix = REDIS.newPrefix();
        int port = RedisServerProcess.freePort();
        Map<String, Object> call = args(null, "url", repo.tree().toUri().toString(), "ref", "main");
        JsonNode whole = unsharded(repo.tree(), call);
        try (WorkerJvm serve = WorkerJvm.serve(dir, "repo-serve2", REDIS.uri(), prefix, repo.root(), port,
                with(settings("repo-serve2"), "--mcpca.worker.pools=fast"));
             WorkerJvm victim = WorkerJvm.start(dir, "repo-victim", REDIS.uri(), prefix, repo.root(),
                     with(settings("repo-victim"), "--mcpca.worker.pools=heavy", "--mcpca.worker.concurrency=1",
                             "--mcpca.worker.shard-target-bytes=48KB"))) {
            McpSyncClient client = client(port);
            CompletableFuture<CallToolResult> pending = CompletableFuture.supplyAsync(
                    () -> client.callTool(new CallToolRequest("analyze-repository", call)));
            await().atMost(120, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20))
                    .until(() -> victim.log().contains("shards sent"));
            victim.kill9();
            assertThat(pending).as("not answered before the kill").isNotDone();
            // the survivor has an empty checkout cache of its own and never saw the call, only its shards
            try (WorkerJvm survivor = WorkerJvm.start(dir, "repo-survivor", REDIS.uri(), prefix, repo.root(),
                    with(settings("repo-survivor"), "--mcpca.worker.pools=heavy"))) {
                CallToolResult result = pending.get(180, TimeUnit.SECONDS);
                assertThat(result.isError()).as("%s", result.content()).isNotEqualTo(Boolean.TRUE);
                ObjectNode answer = (ObjectNode) JSON.readTree(text(result));
                assertThat(answer.remove("commit").asText()).isEqualTo(repo.main());
                assertThat(canonical(answer)).isEqualTo(canonical(whole));
                assertThat(survivor.log()).contains("checked out " + repo.main()).contains("shards merged");
            }
            client.closeGracefully();
        }
    }

    /**
     * A repository made from a copy of this repository's sources: tag v1 holds {@code rust-workers/crates}
     * (~1.2 MB), branch main adds {@code ingress/src}; beside it a clone at v1 (the unsharded reference) and a
     * one-file repository.
     */
    private record Repository(Path root, Path tree, Path v1Tree, String v1, String main, String small) {
    }

    private Repository repository() throws Exception {
        Path root = dir.resolve("repos");
        Path tree = root.resolve("big");
        if (!java.nio.file.Files.exists(tree)) {
            GitRepos.withTwoRefs(tree, ROOT.resolve("rust-workers/crates"), "crates", ROOT.resolve("ingress/src"), "ingress");
            GitRepos.git(dir, "clone", "--quiet", "--branch", "v1", tree.toString(), dir.resolve("v1-tree").toString());
            GitRepos.init(root.resolve("small"));
            java.nio.file.Files.writeString(root.resolve("small/one.py"), "def one():\n    return 1\n");
            GitRepos.commitAll(root.resolve("small"), "small");
        }
        return new Repository(root, tree, dir.resolve("v1-tree"), GitRepos.git(tree, "rev-parse", "v1^{commit}").strip(),
                GitRepos.git(tree, "rev-parse", "main").strip(), GitRepos.git(root.resolve("small"), "rev-parse", "HEAD").strip());
    }

    /** The analyze-repository answer, canonical, after checking and removing its commit. */
    private static String repositoryAnswer(McpSyncClient client, Map<String, Object> call, String commit)
            throws Exception {
        CallToolResult result = client.callTool(new CallToolRequest("analyze-repository", call));
        assertThat(result.isError()).as("%s: %s", call, result.content()).isNotEqualTo(Boolean.TRUE);
        ObjectNode answer = (ObjectNode) JSON.readTree(text(result));
        assertThat(answer.path("commit").asText()).as("%s", call).isEqualTo(commit);
        answer.remove("commit");
        return canonical(answer);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }

    private static McpSyncClient client(int port) {
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port)
                .endpoint("/mcp").build()).requestTimeout(Duration.ofMinutes(5)).build();
        // a serve JVM starts in ~20 s on a quiet machine; at a load average of 30 one took over 90 s
        await().atMost(180, TimeUnit.SECONDS).ignoreExceptions().until(() -> client.initialize() != null);
        return client;
    }

    private static JsonNode answer(McpSyncClient client, Map<String, Object> call) throws Exception {
        CallToolResult result = client.callTool(new CallToolRequest("analyze-metrics", call));
        assertThat(result.isError()).as("%s: %s", call, result.content()).isNotEqualTo(Boolean.TRUE);
        return JSON.readTree(text(result));
    }

    private static String text(CallToolResult result) {
        return ((TextContent) result.content().get(0)).text();
    }

    /** What one analyzer scanning the whole tree answers: the real binary's serve, as a worker calls it. */
    private static JsonNode unsharded(Map<String, Object> call) throws Exception {
        Map<String, Object> args = new LinkedHashMap<>(call);
        args.put("path", ROOT.resolve((String) call.get("path")).toString());
        args.put("relativeTo", ROOT.toString());
        return analyzer(args);
    }

    /** What one analyzer scanning {@code tree} answers as analyze-repository's analyze-metrics (paths relative to it). */
    private static JsonNode unsharded(Path tree, Map<String, Object> call) throws Exception {
        Map<String, Object> args = new LinkedHashMap<>(call);
        List.of("url", "ref").forEach(args::remove);
        args.put("path", tree.toString());
        args.put("relativeTo", tree.toString());
        return analyzer(args);
    }

    private static JsonNode analyzer(Map<String, Object> args) throws Exception {
        String line = JSON.writeValueAsString(Map.of("id", "whole", "tool", "analyze-metrics", "args", args));
        Process analyzer = new ProcessBuilder(System.getProperty("mcpca.analyzer.path"), "serve", "--no-cache")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream in = analyzer.getOutputStream();
             BufferedReader out = new BufferedReader(new InputStreamReader(analyzer.getInputStream(),
                     StandardCharsets.UTF_8))) {
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            for (String answer = out.readLine(); answer != null; answer = out.readLine()) {
                JsonNode node = JSON.readTree(answer);
                if (node.path("type").asText().equals("result")) {
                    return node.get("result");
                }
                assertThat(node.path("type").asText()).as(answer).isEqualTo("progress");
            }
            throw new AssertionError("the analyzer answered nothing");
        } finally {
            analyzer.destroy();
        }
    }

    /** Canonical JSON: keys sorted, numbers as parsed. */
    private static String canonical(JsonNode node) throws Exception {
        return JSON.writeValueAsString(JSON.treeToValue(node, Object.class));
    }

    private static Map<String, Object> args(String path, Object... pairs) {
        Map<String, Object> args = new LinkedHashMap<>();
        if (path != null) {
            args.put("path", path);
        }
        for (int i = 0; i < pairs.length; i += 2) {
            args.put((String) pairs[i], pairs[i + 1]);
        }
        return args;
    }

    /** {@code settings} with {@code more} added, a setting in {@code more} replacing the one of the same name. */
    private static String[] with(String[] settings, String... more) {
        Map<String, String> all = new LinkedHashMap<>();
        for (String s : settings) {
            all.put(s.substring(0, s.indexOf('=')), s);
        }
        for (String s : more) {
            all.put(s.substring(0, s.indexOf('=')), s);
        }
        return all.values().toArray(String[]::new);
    }
}
