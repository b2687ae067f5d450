package io.mcpca.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.ScanArgs;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.workers.config.WorkerRuntime;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path of a call, on real parts: an MCP client over HTTP, the ingress, Redis Streams, a worker
 * in a separate Spring context, the warm Rust analyzer, and back. Expected numbers come from the
 * reference tools (the fixtures' .expected.json files).
 */
class PipelineIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path tmp;

    static Path root;
    static String prefix;
    static PipelineHarness harness;
    static McpSyncClient client;

    @BeforeAll
    static void start() throws IOException {
        root = Files.createDirectories(tmp.resolve("root"));
        Fixtures.copyTo(root);
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("Secret.java"), "class Secret { void s() {} }\n");
        Files.createSymbolicLink(root.resolve("escape.java"), outside.resolve("Secret.java"));
        // ping is sessionless; with the fast path off it takes the session lock these tests are about
        prefix = REDIS.newPrefix();
        // an analyzer cache of this run's own, so what the analyzers measure (and share) is this run's
        harness = new PipelineHarness(REDIS.uri(), prefix, root, "--mcpca.worker.sessionless-fast-path=false",
                "--mcpca.worker.analyzer-cache-dir=" + tmp.resolve("analyzer-cache"));
        client = harness.client();
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    /** Every tool a client is offered, in order (over HTTP and stdio alike). */
    static final List<String> TOOLS = List.of("calculate-metrics", "analyze-metrics", "analyze-files", "analyze-repository", "symbols", "search-symbols", "ping",
                "submit-batch", "batch-status", "batch-results", "cancel-batch", "list-batches",
                "store-codebase-insight", "retrieve-codebase-insights", "update-codebase-insight",
                "create-session", "get-session-info", "get-session-history", "clear-session", "list-sessions",
                "analyze-dependencies",
                "analyze-history", "hotspots", "socio-technical-analysis", "change-coupling", "evolution-pathway",
                "analyze-quality", "list-quality-rules",
                "search-code", "get-file", "folder-structure", "project-info",
                "visualize-code-structure", "visualize-dependencies", "build-knowledge-graph", "query-knowledge-graph",
                "export-knowledge-graph",
                "cross-repo-analysis",
                "generate-report");

    @Test
    void listsTheToolsWithSchemas() {
        List<Tool> tools = client.listTools().tools();
        assertThat(tools).extracting(Tool::name).containsExactlyElementsOf(TOOLS);
        assertThat(tools).allSatisfy(t -> {
            assertThat(t.inputSchema()).isNotNull();
            assertThat(t.outputSchema()).isNotEmpty();
            assertThat(t.description()).isNotBlank();
        });
    }

    @Test
    void calculateMetricsAgreesWithTheReferenceToolsOnEveryFixture() {
        List<String> fixtures = Fixtures.withExpectations(root);
        assertThat(fixtures).extracting(f -> f.substring(0, f.indexOf('/')))
                .contains("java", "python", "javascript", "typescript");
        for (String fixture : fixtures) {
            CallToolResult result = call("calculate-metrics", Map.of("path", fixture));
            assertThat(result.isError()).as(fixture + ": " + text(result)).isFalse();
            Map<String, Object> metrics = structured(result);
            assertThat(metrics.get("path")).isEqualTo(fixture);
            Fixtures.assertAgrees(fixture, metrics, Fixtures.expected(root, fixture));
        }
    }

    @Test
    void inlineContentIsMeasuredToo() {
        String source = "def f(a, b):\n    # note\n    if a and b:\n        return 1\n\n    return 2\n";
        Map<String, Object> metrics = structured(call("calculate-metrics",
                Map.of("content", source, "language", "python", "name", "f.py")));
        Map<String, Object> lines = asMap(metrics.get("lines"));
        assertThat(lines).containsEntry("code", 4).containsEntry("comment", 1).containsEntry("blank", 1);
        List<Map<String, Object>> functions = asList(metrics.get("functions"));
        assertThat(functions).hasSize(1);
        assertThat(functions.get(0)).containsEntry("name", "f").containsEntry("startLine", 1)
                .containsEntry("endLine", 6).containsEntry("cyclomatic", 3);
    }

    @Test
    void analyzeMetricsTotalsEveryLanguageAndSkipsWhatItCannotRead() throws IOException {
        Path dir = Files.createDirectories(root.resolve("tree"));
        Files.writeString(dir.resolve("A.java"), "class A {\n  int f(int x) { return x > 0 ? 1 : 2; }\n}\n");
        Files.writeString(dir.resolve("b.py"), "# c\n\ndef g():\n    pass\n");
        Files.write(dir.resolve("image.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 1});
        Files.writeString(dir.resolve(".gitignore"), "ignored/\n");
        Files.createDirectories(dir.resolve("ignored"));
        Files.writeString(dir.resolve("ignored/C.java"), "class C {}\n");

        Map<String, Object> result = structured(call("analyze-metrics", Map.of("path", "tree")));
        List<Map<String, Object>> files = asList(result.get("files"));
        assertThat(files).extracting(f -> f.get("path")).containsExactlyInAnyOrder("tree/A.java", "tree/b.py");
        Map<String, Object> byLanguage = asMap(asMap(result.get("totals")).get("byLanguage"));
        assertThat(asMap(byLanguage.get("java"))).containsEntry("files", 1).containsEntry("code", 3)
                .containsEntry("functions", 1);
        assertThat(asMap(byLanguage.get("python"))).containsEntry("files", 1).containsEntry("code", 2)
                .containsEntry("comment", 1).containsEntry("blank", 1);
        assertThat(asList(result.get("skipped"))).anySatisfy(s -> {
            assertThat(s.get("path")).isEqualTo("tree/image.png");
            assertThat(String.valueOf(s.get("reason"))).contains("binary");
        });
        // the worker's analyzer measured both files and handed them to the other workers through Redis (the
        // counts of that exchange are the worker's business: not in the answer)
        assertThat(result).doesNotContainKey("sharedCache");
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                REDIS.sync().scan(ScanArgs.Builder.matches(new Keys(prefix).sharedFilePattern()).limit(10_000))
                        .getKeys()).hasSize(2));
    }

    /**
     * Pages of a tree cover every file once, in order, while totals and hotspots (whole-tree) are the same on
     * every page; m{i}.py's f has i ifs, so cyclomatic i + 1 (radon).
     */
    @Test
    void analyzeMetricsComesInPagesThatCoverTheTreeOnce() throws IOException {
        Path dir = Files.createDirectories(root.resolve("paged"));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            Files.writeString(dir.resolve("m" + i + ".py"), "def f(a):\n" + "    if a:\n        a += 1\n".repeat(i)
                    + "    return a\n");
            expected.add("paged/m" + i + ".py");
        }
        Map<String, Object> arguments = new HashMap<>(Map.of("path", "paged", "limit", 3, "hotspots", 2));
        List<String> paths = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        Object totals = null;
        while (true) {
            Map<String, Object> page = structured(call("analyze-metrics", arguments));
            List<Map<String, Object>> files = asList(page.get("files"));
            pageSizes.add(files.size());
            files.forEach(f -> paths.add((String) f.get("path")));
            assertThat(asMap(page.get("page"))).containsEntry("offset", paths.size() - files.size())
                    .containsEntry("count", files.size()).containsEntry("totalFiles", 7);
            totals = totals == null ? page.get("totals") : totals;
            assertThat(page.get("totals")).isEqualTo(totals);
            assertThat(asList(page.get("hotspots"))).extracting(h -> h.get("path"), h -> h.get("cyclomatic"))
                    .containsExactly(tuple("paged/m6.py", 7), tuple("paged/m5.py", 6));
            if (!(page.get("nextCursor") instanceof String cursor)) {
                break;
            }
            arguments.put("cursor", cursor);
        }
        assertThat(pageSizes).containsExactly(3, 3, 1);
        assertThat(paths).isEqualTo(expected);
        assertThat(asMap(totals)).containsEntry("files", 7).containsEntry("functions", 7);

        Map<String, Object> summary = structured(call("analyze-metrics", Map.of("path", "paged", "detail", "summary")));
        assertThat(asList(summary.get("files"))).isEmpty();
        assertThat(summary.get("totals")).isEqualTo(totals);
        Map<String, Object> lean = structured(call("analyze-metrics", Map.of("path", "paged", "detail", "files")));
        assertThat(asList(lean.get("files"))).hasSize(7).allSatisfy(f -> assertThat(f).containsKey("lines")
                .doesNotContainKey("functions"));

        // symbols of the same tree page the same way (its outputSchema declares page and nextCursor)
        List<String> outlined = new ArrayList<>();
        Map<String, Object> symbolArguments = new HashMap<>(Map.of("path", "paged", "limit", 4));
        while (true) {
            Map<String, Object> page = structured(call("symbols", symbolArguments));
            asList(page.get("files")).forEach(f -> outlined.add((String) f.get("path")));
            assertThat(page).containsEntry("totalSymbols", 7);
            if (!(page.get("nextCursor") instanceof String cursor)) {
                break;
            }
            symbolArguments.put("cursor", cursor);
        }
        assertThat(outlined).isEqualTo(expected);

        assertError(call("analyze-metrics", Map.of("path", "paged", "cursor", "garbage")), "BAD_ARGUMENTS");
        assertError(call("analyze-metrics", Map.of("path", "paged", "limit", 0)), "");
        assertError(call("analyze-metrics", Map.of("path", "paged", "detail", "everything")), "");
    }

    /**
     * One answer is bounded: a single file whose metrics alone are larger than an MCP message may be (15,000
     * functions: ~8 MB of JSON, over the worker's default 6 MiB) is refused at once with a clear, not
     * retryable error, and the worker goes on.
     */
    @Test
    void aResultTooLargeForOneAnswerIsRefusedClearly() throws IOException {
        StringBuilder huge = new StringBuilder();
        for (int f = 0; f < 15_000; f++) {
            huge.append("def f").append(f).append("(a, b):\n    if a and b:\n        return a\n    return b\n\n\n");
        }
        Files.writeString(Files.createDirectories(root.resolve("huge")).resolve("huge.py"), huge);
        CallToolResult result = call("calculate-metrics", Map.of("path", "huge/huge.py"));
        assertError(result, "RESULT_TOO_LARGE");
        assertThat(text(result)).contains("not retryable").contains("MiB");
        assertThat(result.meta()).containsEntry("errorCode", "RESULT_TOO_LARGE").containsEntry("retryable", false);
        assertThat(structured(call("calculate-metrics", Map.of("content", "x = 1\n", "language", "python"))))
                .containsKey("lines");
    }

    @Test
    void analyzeMetricsOfTheFixturesMatchesTheFixtureExpectations() {
        Map<String, Object> result = structured(call("analyze-metrics", Map.of("path", "java", "limit", 10_000)));
        Map<String, JsonNode> expected = new HashMap<>();
        Fixtures.withExpectations(root).stream().filter(f -> f.startsWith("java/"))
                .forEach(f -> expected.put(f, Fixtures.expected(root, f)));
        List<Map<String, Object>> files = asList(result.get("files"));
        assertThat(files).extracting(f -> (String) f.get("path")).containsAll(expected.keySet());
        for (Map<String, Object> file : files) {
            JsonNode want = expected.get((String) file.get("path"));
            if (want != null) {
                Fixtures.assertAgrees((String) file.get("path"), file, want);
            }
        }
        long code = expected.values().stream().mapToLong(e -> e.path("lines").path("code").asLong()).sum();
        assertThat(((Number) asMap(asMap(asMap(result.get("totals")).get("byLanguage")).get("java")).get("code"))
                .longValue()).isEqualTo(code);
    }

    @Test
    void symbolsOutlineAFileAndSearchATree() {
        Map<String, Object> outline = structured(call("symbols", Map.of("path", "java/Branches.java")));
        List<Map<String, Object>> files = asList(outline.get("files"));
        assertThat(files).hasSize(1);
        assertThat(files.get(0)).containsEntry("path", "java/Branches.java").containsEntry("language", "java");
        assertThat(asList(files.get(0).get("symbols"))).anySatisfy(s -> assertThat(s)
                .containsEntry("name", "Branches").containsEntry("kind", "class").containsEntry("startLine", 10));

        Map<String, Object> found = structured(call("search-symbols", Map.of("path", ".", "query", "branches")));
        Map<String, Object> best = asList(found.get("matches")).get(0);
        assertThat(best).containsEntry("name", "Branches").containsEntry("kind", "class")
                .containsEntry("path", "java/Branches.java");
        assertThat(found).doesNotContainValue(root.toString());
    }

    @Test
    void badInputGetsAClearErrorAndTheServerStaysUp() {
        assertThatThrownBy(() -> client.callTool(new CallToolRequest("no-such-tool", Map.of())))
                .hasMessageContaining("Unknown tool");
        assertError(call("calculate-metrics", Map.of()), "");
        assertError(call("calculate-metrics", Map.of("path", 42)), "");
        assertError(call("calculate-metrics", Map.of("content", "x = 1", "language", "cobol")), "");
        assertError(call("ping", Map.of("sleepMs", -5)), "");
        assertError(call("calculate-metrics", Map.of("path", "../outside/Secret.java")), "PATH_OUTSIDE_ROOTS");
        assertError(call("calculate-metrics", Map.of("path", "/etc/passwd")), "PATH_OUTSIDE_ROOTS");
        assertError(call("calculate-metrics", Map.of("path", "escape.java")), "PATH_OUTSIDE_ROOTS");
        assertError(call("analyze-metrics", Map.of("path", "/")), "PATH_OUTSIDE_ROOTS");
        assertError(call("calculate-metrics", Map.of("path", "missing/Nope.java")), "NOT_FOUND");

        assertError(call("ping", Map.of("via", "worker", "sleepMs", 5)), "BAD_ARGUMENTS");
        assertError(call("ping", Map.of("via", "nobody")), "");

        assertThat(structured(call("ping", Map.of()))).containsEntry("pong", true);
    }

    @Test
    void aPingViaTheWorkerIsAnsweredByTheWorkerItselfAndTheDefaultOneByAnAnalyzerProcess() {
        Set<Long> analyzerPids = harness.worker().getBean(WorkerRuntime.class).analyzerPools().stream()
                .flatMap(pool -> pool.pids().stream()).collect(java.util.stream.Collectors.toSet());
        long workerPid = ProcessHandle.current().pid(); // the harness runs the worker in this JVM

        Map<String, Object> viaWorker = structured(call("ping", Map.of("via", "worker")));
        assertThat(viaWorker).containsEntry("pong", true);
        assertThat(((Number) viaWorker.get("pid")).longValue()).isEqualTo(workerPid);

        Map<String, Object> viaAnalyzer = structured(call("ping", Map.of("via", "analyzer")));
        assertThat(analyzerPids).contains(((Number) viaAnalyzer.get("pid")).longValue());
        assertThat(analyzerPids).contains(((Number) structured(call("ping", Map.of())).get("pid")).longValue());
    }

    @Test
    void callsOfOneSessionNeverOverlap() throws Exception {
        List<Map<String, Object>> runs = concurrently(20, i -> client, 30);
        runs.sort(Comparator.comparingLong(r -> ((Number) r.get("startedAtMicros")).longValue()));
        for (int i = 1; i < runs.size(); i++) {
            long previousEnd = ((Number) runs.get(i - 1).get("endedAtMicros")).longValue();
            long start = ((Number) runs.get(i).get("startedAtMicros")).longValue();
            assertThat(start).as("call %d started before call %d ended", i, i - 1).isGreaterThanOrEqualTo(previousEnd);
        }
    }

    @Test
    void callsOfDifferentSessionsRunInParallel() throws Exception {
        List<McpSyncClient> sessions = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sessions.add(harness.client());
        }
        List<Map<String, Object>> runs = concurrently(4, sessions::get, 500);
        long latestStart = runs.stream().mapToLong(r -> ((Number) r.get("startedAtMicros")).longValue()).max().orElseThrow();
        long earliestEnd = runs.stream().mapToLong(r -> ((Number) r.get("endedAtMicros")).longValue()).min().orElseThrow();
        assertThat(latestStart).as("all four 500 ms calls were running at one moment").isLessThan(earliestEnd);
    }

    /** {@code calls} pings holding the analyzer {@code sleepMs} each, all at once, call i on {@code clientFor(i)}. */
    static List<Map<String, Object>> concurrently(int calls, java.util.function.IntFunction<McpSyncClient> clientFor,
                                                   int sleepMs) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls);
        try {
            List<Future<Map<String, Object>>> futures = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                McpSyncClient c = clientFor.apply(i);
                Callable<Map<String, Object>> task = () -> structured(
                        c.callTool(new CallToolRequest("ping", Map.of("sleepMs", sleepMs))));
                futures.add(pool.submit(task));
            }
            List<Map<String, Object>> results = new ArrayList<>();
            for (Future<Map<String, Object>> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static CallToolResult call(String tool, Map<String, Object> arguments) {
        return client.callTool(new CallToolRequest(tool, arguments));
    }

    private static void assertError(CallToolResult result, String code) {
        assertThat(result.isError()).as(text(result)).isTrue();
        assertThat(text(result)).isNotBlank().contains(code);
    }

    static String text(CallToolResult result) {
        return result.content().stream().filter(TextContent.class::isInstance)
                .map(c -> ((TextContent) c).text()).reduce("", String::concat);
    }

    static Map<String, Object> structured(CallToolResult result) {
        assertThat(result.isError()).as(text(result)).isFalse();
        return asMap(result.structuredContent());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> asList(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<Map<String, Object>>) value;
    }
}
