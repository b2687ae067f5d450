package io.mcpca.app.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpca.app.GitRepos;
import io.mcpca.shared.redis.RedisServerProcess;
import io.mcpca.shared.testing.RedisServerExtension;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's batches end to end: an ingress JVM and two worker JVMs on a real Redis, driven by the MCP Java SDK
 * with bearer tokens (principals alice, bob, carol). In order: the limits refuse clearly; another principal's
 * batch is not found; a deadline that passes ends the items left DEADLINE_EXCEEDED; a cancel mid-batch stops the
 * queued items (CANCELLED) and the running ones; and a batch of 1,000 items (996 calculate-metrics items and
 * analyze-repository of three git repositories this test makes, one at two refs) survives a worker killed with -9
 * and an ingress killed and replaced mid-batch: every item answered exactly once, each equal to the same call made
 * alone, the line totals equal to the generated files' plus the repositories'.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BatchIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    static final ObjectMapper JSON = new ObjectMapper();
    static final int FILES = 1_000;
    /** The big batch: this many generated files, then the {@link #REPOSITORY_ITEMS} repository items: 1,000 in all. */
    static final int BATCH_FILES = 996;
    static final int BATCH_ITEMS = 1_000;
    static final String[] INGRESS_OPTIONS = {"--mcpca.worker.enabled=false",
            "--mcpca.ingress.tokens.alice=alice-token", "--mcpca.ingress.tokens.bob=bob-token",
            "--mcpca.ingress.tokens.carol=carol-token", "--mcpca.batch.max-items=1500",
            "--mcpca.batch.max-active-per-principal=3", "--mcpca.batch.max-bytes=1MB"};
    /** Results over 100 bytes are stored apart and referenced (every calculate-metrics answer here): batch-results
     *  must put them back. */
    static final String[] WORKER_OPTIONS = {"--mcpca.worker.concurrency=2", "--mcpca.worker.min-idle=2s",
            "--mcpca.worker.reclaim-period=500ms", "--mcpca.batch.inline-result-max=100B",
            "--mcpca.worker.pools=heavy"};

    @TempDir
    static Path dir;
    Path root;
    /** The batch's repository items: analyze-repository arguments, in order. */
    List<Map<String, Object>> repositories;
    String prefix;
    WorkerJvm ingress;
    final List<WorkerJvm> workers = new ArrayList<>();
    final List<McpSyncClient> clients = new ArrayList<>();
    int port;

    @BeforeAll
    void start() throws Exception {
        root = Files.createDirectories(dir.resolve("root"));
        Path generated = Files.createDirectories(root.resolve("gen"));
        for (int i = 0; i < FILES; i++) {
            Files.writeString(generated.resolve(fileName(i)), source(i));
        }
        prefix = REDIS.newPrefix();
        port = RedisServerProcess.freePort();
        ingress = WorkerJvm.serve(dir, "ingress", REDIS.uri(), prefix, root, port, INGRESS_OPTIONS);
        repositories = repositories(root);
        workers.add(WorkerJvm.start(dir, "worker-a", REDIS.uri(), prefix, root, workerOptions("worker-a")));
        workers.add(WorkerJvm.start(dir, "worker-b", REDIS.uri(), prefix, root, workerOptions("worker-b")));
        await().atMost(90, TimeUnit.SECONDS).until(() -> REDIS.sync().hlen(prefix + ":workers") == 2);
    }

    @AfterAll
    void stop() {
        clients.forEach(c -> {
            try {
                c.close();
            } catch (RuntimeException ignored) {
                // its ingress is gone
            }
        });
        workers.forEach(WorkerJvm::close);
        ingress.close();
    }

    @Test
    @Order(1)
    void limitsRefuseWithClearCodes() throws Exception {
        McpSyncClient carol = client("carol-token");
        List<String> files = new ArrayList<>();
        for (int i = 0; i < 1501; i++) {
            files.add("gen/" + fileName(i % FILES));
        }
        assertThat(text(carol.callTool(new CallToolRequest("submit-batch", Map.of("files", files)))))
                .startsWith("BATCH_TOO_LARGE").contains("1500");
        // 420 KB of base-36 noise deflates to ~200 KB (entries are counted compressed): eight pass the 1 MB of items
        java.util.Random random = new java.util.Random(15);
        StringBuilder noise = new StringBuilder();
        while (noise.length() < 420_000) {
            noise.append("x").append(Long.toString(random.nextLong(), 36)).append(" = 1\n");
        }
        String big = noise.toString();
        List<Object> inline = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            inline.add(Map.of("tool", "calculate-metrics", "arguments", Map.of("content", big, "language", "python")));
        }
        assertThat(text(carol.callTool(new CallToolRequest("submit-batch", Map.of("items", inline)))))
                .startsWith("BATCH_TOO_LARGE").contains("bytes");
        assertThat(text(carol.callTool(new CallToolRequest("submit-batch", Map.of("files", List.of("../outside.py"))))))
                .startsWith("PATH_OUTSIDE_ROOTS");
        assertThat(text(carol.callTool(new CallToolRequest("submit-batch",
                Map.of("items", List.of(Map.of("tool", "submit-batch", "arguments", Map.of())))))))
                .startsWith("BAD_ARGUMENTS");
        assertThat(text(carol.callTool(new CallToolRequest("submit-batch",
                Map.of("items", List.of(Map.of("tool", "calculate-metrics", "arguments", Map.of("nope", 1))))))))
                .startsWith("BAD_ARGUMENTS").contains("inputSchema");
        List<String> open = new ArrayList<>();
        Map<String, Object> slow = Map.of("items", List.of(Map.of("tool", "ping", "arguments", Map.of("sleepMs", 30_000))));
        for (int i = 0; i < 3; i++) {
            open.add(ok(carol, "submit-batch", slow).get("batchId").asText());
        }
        assertThat(text(carol.callTool(new CallToolRequest("submit-batch", slow)))).startsWith("TOO_MANY_BATCHES");
        for (String id : open) {
            assertThat(ok(carol, "cancel-batch", Map.of("batchId", id)).get("cancelled").asBoolean()).isTrue();
        }
        for (String id : open) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> ok(carol, "batch-status", Map.of("batchId", id))
                    .get("state").asText().equals("CANCELLED"));
        }
        // with its batches cancelled, carol may submit again
        String again = ok(carol, "submit-batch", Map.of("files", List.of("gen/" + fileName(1)))).get("batchId").asText();
        await().atMost(30, TimeUnit.SECONDS).until(() -> ok(carol, "batch-status", Map.of("batchId", again))
                .get("state").asText().equals("COMPLETED"));
    }

    @Test
    @Order(2)
    void anotherPrincipalsBatchIsNotFound() throws Exception {
        McpSyncClient bob = client("bob-token");
        McpSyncClient alice = client("alice-token");
        String bobs = ok(bob, "submit-batch", Map.of("files", List.of("gen/" + fileName(7)), "name", "bob's"))
                .get("batchId").asText();
        await().atMost(30, TimeUnit.SECONDS).until(() -> ok(bob, "batch-status", Map.of("batchId", bobs))
                .get("state").asText().equals("COMPLETED"));
        for (String tool : List.of("batch-status", "batch-results", "cancel-batch")) {
            assertThat(text(alice.callTool(new CallToolRequest(tool, Map.of("batchId", bobs)))))
                    .as(tool).startsWith("NOT_FOUND");
        }
        assertThat(text(alice.callTool(new CallToolRequest("batch-status", Map.of("batchId", "not-a-batch")))))
                .startsWith("NOT_FOUND");
        assertThat(ok(alice, "list-batches", Map.of()).get("batches").findValuesAsText("batchId")).doesNotContain(bobs);
        assertThat(ok(bob, "list-batches", Map.of()).get("batches").findValuesAsText("batchId")).contains(bobs);
        JsonNode results = ok(bob, "batch-results", Map.of("batchId", bobs));
        assertThat(results.get("items").get(0).get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(results.get("items").get(0).get("result").get("lines").get("code").asInt()).isEqualTo(codeLines(7));
    }

    @Test
    @Order(3)
    void itemsLeftWhenTheDeadlinePassesEndDeadlineExceeded() throws Exception {
        McpSyncClient alice = client("alice-token");
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            items.add(Map.of("tool", "ping", "arguments", Map.of("sleepMs", 300)));
        }
        // 40 items of 300 ms on 4 slots take 3 s; the deadline lets ~1.5 s of them run
        String id = ok(alice, "submit-batch", Map.of("items", items, "deadline", "PT1.5S")).get("batchId").asText();
        await().atMost(60, TimeUnit.SECONDS).until(() -> ok(alice, "batch-status", Map.of("batchId", id))
                .get("state").asText().equals("COMPLETED"));
        JsonNode status = ok(alice, "batch-status", Map.of("batchId", id));
        assertThat(status.get("errors").path("DEADLINE_EXCEEDED").asInt()).as(status.toString()).isPositive();
        assertThat(status.get("counts").get("SUCCEEDED").asInt()).as(status.toString()).isPositive();
        assertThat(status.get("counts").get("SUCCEEDED").asInt() + status.get("counts").get("FAILED").asInt()
                + status.get("counts").get("CANCELLED").asInt()).isEqualTo(40);
        JsonNode failed = ok(alice, "batch-results", Map.of("batchId", id, "state", "FAILED", "limit", 1000));
        assertThat(failed.get("items")).isNotEmpty().allSatisfy(item ->
                assertThat(item.get("code").asText()).isIn("DEADLINE_EXCEEDED", "CANCELLED"));
    }

    @Test
    @Order(4)
    void cancelMidBatchStopsQueuedAndRunningItems() throws Exception {
        McpSyncClient alice = client("alice-token");
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            items.add(Map.of("tool", "ping", "arguments", Map.of("sleepMs", i % 10 == 0 ? 20_000 : 100)));
        }
        String id = ok(alice, "submit-batch", Map.of("items", items, "name", "to cancel")).get("batchId").asText();
        await().atMost(60, TimeUnit.SECONDS).until(() -> ok(alice, "batch-status", Map.of("batchId", id))
                .get("done").asInt() >= 10);
        // an interactive call does not wait behind the queued batch (it has its own lane): it is answered while
        // most of the batch still waits
        JsonNode interactive = ok(alice, "calculate-metrics", Map.of("path", "gen/" + fileName(3)));
        assertThat(interactive.get("lines").get("code").asInt()).isEqualTo(codeLines(3));
        assertThat(ok(alice, "batch-status", Map.of("batchId", id)).get("done").asInt())
                .as("batch items done when the interactive call was answered").isLessThan(100);
        JsonNode cancelled = ok(alice, "cancel-batch", Map.of("batchId", id));
        assertThat(cancelled.get("cancelled").asBoolean()).isTrue();
        int doneAtCancel = ok(alice, "batch-status", Map.of("batchId", id)).get("done").asInt();
        // the 20 s items running at the cancel are cancelled too, so the batch ends long before they would
        await().atMost(15, TimeUnit.SECONDS).until(() -> ok(alice, "batch-status", Map.of("batchId", id))
                .get("state").asText().equals("CANCELLED"));
        JsonNode status = ok(alice, "batch-status", Map.of("batchId", id));
        int succeeded = status.get("counts").get("SUCCEEDED").asInt();
        int cancelledItems = status.get("counts").get("CANCELLED").asInt();
        assertThat(succeeded + cancelledItems).as(status.toString()).isEqualTo(200);
        // at most the items already read by a worker (2 workers x 2 slots, a read's worth more) finish after it
        assertThat(succeeded).as(status.toString()).isLessThanOrEqualTo(doneAtCancel + 8);
        assertThat(cancelledItems).isGreaterThan(150);
        JsonNode page = ok(alice, "batch-results", Map.of("batchId", id, "state", "CANCELLED", "limit", 5));
        assertThat(page.get("items")).hasSize(5).allSatisfy(i -> assertThat(i.get("code").asText()).isEqualTo("CANCELLED"));
    }

    @Test
    @Order(5)
    void aThousandItemsAreAnsweredOnceEachDespiteAWorkerKilledAndTheIngressReplaced() throws Exception {
        McpSyncClient alice = client("alice-token");
        List<String> files = new ArrayList<>();
        for (int i = 0; i < BATCH_FILES; i++) {
            files.add("gen/" + fileName(i));
        }
        long submitted = System.nanoTime();
        JsonNode created = ok(alice, "submit-batch", Map.of("files", files, "repositories", repositories,
                "name", "thousand"));
        System.out.printf("BatchIT: submit-batch of %d items answered in %d ms (loaded machine)%n", BATCH_ITEMS,
                (System.nanoTime() - submitted) / 1_000_000);
        String id = created.get("batchId").asText();
        assertThat(created.get("items").asInt()).isEqualTo(BATCH_ITEMS);

        await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20))
                .until(() -> ok(alice, "batch-status", Map.of("batchId", id)).get("done").asInt() >= 50);
        workers.get(0).kill9();
        int doneAtKill = ok(alice, "batch-status", Map.of("batchId", id)).get("done").asInt();
        int repositoriesAtKill = repositoryOutcomes(id);
        ingress.kill9();
        port = RedisServerProcess.freePort();
        ingress = WorkerJvm.serve(dir, "ingress-2", REDIS.uri(), prefix, root, port, INGRESS_OPTIONS);
        McpSyncClient again = client("alice-token");
        await().atMost(120, TimeUnit.SECONDS).until(() -> ok(again, "batch-status", Map.of("batchId", id))
                .get("state").asText().equals("COMPLETED"));
        System.out.printf("BatchIT: worker killed at %d of %d items done (%d of %d repositories)%n", doneAtKill,
                BATCH_ITEMS, repositoriesAtKill, repositories.size());

        JsonNode status = ok(again, "batch-status", Map.of("batchId", id));
        assertThat(status.get("counts").get("SUCCEEDED").asInt()).as(status.toString()).isEqualTo(BATCH_ITEMS);
        assertThat(status.get("done").asInt()).isEqualTo(BATCH_ITEMS);
        assertThat(REDIS.sync().hlen(prefix + ":batch:{" + id + "}:items")).isEqualTo(BATCH_ITEMS);

        Set<Integer> seen = new HashSet<>();
        Map<Integer, JsonNode> byIndex = new LinkedHashMap<>();
        String cursor = null;
        JsonNode totals = null;
        do {
            Map<String, Object> args = new LinkedHashMap<>(Map.of("batchId", id, "limit", 300));
            if (cursor != null) {
                args.put("cursor", cursor);
            }
            JsonNode page = ok(again, "batch-results", args);
            if (cursor == null) {
                totals = page.get("totals");
            }
            for (JsonNode item : page.get("items")) {
                assertThat(seen.add(item.get("index").asInt())).as("item %s once", item.get("index")).isTrue();
                byIndex.put(item.get("index").asInt(), item);
            }
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
        } while (cursor != null);
        assertThat(seen).hasSize(BATCH_ITEMS);
        long expectedFiles = BATCH_FILES;
        long expectedCode = 0;
        assertThat(byIndex.get(0).get("resultRef").get("digest").asText()).as("stored apart, put back").hasSize(64);
        for (int i = 0; i < BATCH_FILES; i++) {
            JsonNode result = byIndex.get(i).get("result");
            assertThat(result.get("path").asText()).isEqualTo("gen/" + fileName(i));
            assertThat(result.get("lines").get("code").asInt()).as("item %d", i).isEqualTo(codeLines(i));
            expectedCode += codeLines(i);
        }
        for (int i = 0; i < BATCH_FILES; i += 97) {
            JsonNode alone = ok(again, "calculate-metrics", Map.of("path", "gen/" + fileName(i)));
            assertThat(byIndex.get(i).get("result")).as("item %d equals the call made alone", i).isEqualTo(alone);
        }
        // the repository items: each exactly the analyze-repository call made alone, naming its own commit
        Set<String> commits = new HashSet<>();
        for (int r = 0; r < repositories.size(); r++) {
            JsonNode item = byIndex.get(BATCH_FILES + r);
            JsonNode alone = ok(again, "analyze-repository", repositories.get(r));
            assertThat(item.get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(item.get("result")).as("repository item %s equals the call made alone", repositories.get(r))
                    .isEqualTo(alone);
            assertThat(alone.get("totals").get("files").asInt()).as("a real tree").isGreaterThan(20);
            commits.add(alone.get("commit").asText());
            expectedFiles += alone.get("totals").get("files").asLong();
            expectedCode += alone.get("totals").get("code").asLong();
        }
        assertThat(commits).as("two refs of one repository and two more repositories: four commits").hasSize(4);
        assertThat(byIndex.get(BATCH_FILES).get("result").get("totals"))
                .as("v1 and main of one repository give different answers")
                .isNotEqualTo(byIndex.get(BATCH_FILES + 1).get("result").get("totals"));
        assertThat(totals.get("files").asLong()).isEqualTo(expectedFiles);
        assertThat(totals.get("code").asLong()).isEqualTo(expectedCode);
    }

    /** Outcomes recorded so far for the batch's repository items (its last ones). */
    private int repositoryOutcomes(String id) {
        int n = 0;
        for (int r = 0; r < repositories.size(); r++) {
            if (REDIS.sync().hexists(prefix + ":batch:{" + id + "}:items", Integer.toString(BATCH_FILES + r))) {
                n++;
            }
        }
        return n;
    }

    /**
     * Three git repositories made from copies of this repository's sources (so each item is seconds of work, and
     * the killed worker likely holds one): alpha at tag v1 ({@code ingress/src}) and at main (plus
     * {@code shared/src}), beta ({@code workers/src}) by local path in place, gamma ({@code app/src}) by URL.
     */
    private static List<Map<String, Object>> repositories(Path root) throws Exception {
        Path sources = Path.of("..").toAbsolutePath().normalize();
        Path alpha = root.resolve("repos/alpha");
        GitRepos.withTwoRefs(alpha, sources.resolve("ingress/src"), "ingress", sources.resolve("shared/src"), "shared");
        Path beta = root.resolve("repos/beta");
        GitRepos.init(beta);
        GitRepos.copyTree(sources.resolve("workers/src"), beta.resolve("workers"));
        GitRepos.commitAll(beta, "workers");
        Path gamma = root.resolve("repos/gamma");
        GitRepos.init(gamma);
        GitRepos.copyTree(sources.resolve("app/src"), gamma.resolve("app"));
        GitRepos.commitAll(gamma, "app");
        return List.of(Map.of("url", alpha.toUri().toString(), "ref", "v1"),
                Map.of("url", alpha.toUri().toString(), "ref", "main"),
                Map.of("path", "repos/beta"),
                Map.of("url", gamma.toUri().toString()));
    }

    private static String[] workerOptions(String name) {
        List<String> options = new ArrayList<>(List.of(WORKER_OPTIONS));
        options.add("--mcpca.worker.checkout.dir=" + dir.resolve(name + "-checkouts"));
        return options.toArray(String[]::new);
    }

    @Test
    @Order(6)
    void aWatchingStatusCallSendsProgressUntilTheBatchEnds() throws Exception {
        List<io.modelcontextprotocol.spec.McpSchema.ProgressNotification> progress =
                new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpRequest.Builder request = HttpRequest.newBuilder().header("Authorization", "Bearer alice-token");
        McpSyncClient alice = McpClient.sync(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port)
                .endpoint("/mcp").requestBuilder(request).build()).requestTimeout(Duration.ofSeconds(60))
                .progressConsumer(progress::add).build();
        clients.add(alice);
        alice.initialize();
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            items.add(Map.of("tool", "ping", "arguments", Map.of("sleepMs", 150)));
        }
        String id = ok(alice, "submit-batch", Map.of("items", items)).get("batchId").asText();
        CallToolResult watched = alice.callTool(CallToolRequest.builder("batch-status")
                .arguments(Map.of("batchId", id, "watch", true)).progressToken("watch-" + id).build());
        JsonNode status = JSON.readTree(text(watched));
        assertThat(status.get("state").asText()).isEqualTo("COMPLETED");
        assertThat(progress).as("progress notifications").hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(p -> assertThat(p.progressToken()).isEqualTo("watch-" + id));
        assertThat(progress.get(progress.size() - 1).progress()).isEqualTo(20.0);
        assertThat(progress.get(0).progress()).isLessThan(20.0);
    }

    private static String fileName(int i) {
        return String.format("f%04d.py", i);
    }

    /** File i: a function with i % 37 + 1 statements after its def line, one comment, one blank line. */
    private static String source(int i) {
        StringBuilder s = new StringBuilder("# file " + i + "\n\ndef f" + i + "(x):\n");
        for (int n = 0; n <= i % 37; n++) {
            s.append("    x = x + ").append(n).append('\n');
        }
        return s.append("    return x\n").toString();
    }

    private static int codeLines(int i) {
        return 1 + (i % 37 + 1) + 1;
    }

    private McpSyncClient client(String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder().header("Authorization", "Bearer " + token);
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port)
                .endpoint("/mcp").requestBuilder(request).build()).requestTimeout(Duration.ofSeconds(60)).build();
        await().atMost(90, TimeUnit.SECONDS).ignoreExceptions().until(() -> client.initialize() != null);
        clients.add(client);
        return client;
    }

    private static JsonNode ok(McpSyncClient client, String tool, Map<String, Object> args) throws Exception {
        CallToolResult result = client.callTool(new CallToolRequest(tool, args));
        assertThat(result.isError()).as(tool + ": " + text(result)).isFalse();
        return JSON.readTree(text(result));
    }

    private static String text(CallToolResult result) {
        return ((TextContent) result.content().get(0)).text();
    }
}
