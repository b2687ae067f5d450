package io.mcpca.app;

import static io.mcpca.app.PipelineIT.asList;
import static io.mcpca.app.PipelineIT.asMap;
import static io.mcpca.app.PipelineIT.structured;
import static io.mcpca.app.PipelineIT.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.shared.testing.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decision 034, through the whole pipeline (real Redis, real analyzer, the MCP Java client over HTTP): a warm
 * {@code analyze-dependencies} and {@code analyze-quality} of an unchanged tree is answered from the result cache
 * with exactly the cold answer's bytes, and an edit, an added file, a deleted file and a {@code .gitignore} change
 * each get a fresh answer (never the cached one); the knowledge graph answers queries from the analyzer's memory
 * while the tree is unchanged and from a fresh graph after each of those changes.
 */
class WarmPathIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path tmp;

    static Path root;
    static PipelineHarness harness;
    static McpSyncClient client;

    @BeforeAll
    static void start() throws IOException {
        root = Files.createDirectories(tmp.resolve("root"));
        harness = new PipelineHarness(REDIS.uri(), REDIS.newPrefix(), root, "--mcpca.ingress.call-timeout=60s",
                "--mcpca.worker.analyzer-cache-dir=" + tmp.resolve("analyzer-cache"));
        client = harness.client();
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void dependenciesWarmEqualColdAndEveryChangeGetsAFreshAnswer() throws IOException {
        Path tree = Files.createDirectories(root.resolve("deps"));
        Files.writeString(tree.resolve("a.py"), "import b\n\ndef f():\n    return b.g()\n");
        Files.writeString(tree.resolve("b.py"), "import a\n\ndef g():\n    return 1\n");
        Files.writeString(tree.resolve("c.py"), "x = 1\n");
        Map<String, Object> args = Map.of("path", "deps");
        // files, edges, cycles, externals: as `mcpca-analyzer deps` prints them for each state
        assertDependencies(args, 3, 2, 1, List.of());
        Files.writeString(tree.resolve("c.py"), "import a\nx = 1\n");
        assertDependencies(args, 3, 3, 1, List.of());
        Files.writeString(tree.resolve("d.py"), "import c\n");
        assertDependencies(args, 4, 4, 1, List.of());
        Files.delete(tree.resolve("b.py"));
        assertDependencies(args, 3, 2, 0, List.of("pypi:b"));
        Files.writeString(tree.resolve(".gitignore"), "d.py\n");
        assertDependencies(args, 2, 1, 0, List.of("pypi:b"));
    }

    @Test
    void qualityWarmEqualsColdAndEveryChangeGetsAFreshAnswer() throws IOException {
        Path tree = Files.createDirectories(root.resolve("quality"));
        Files.writeString(tree.resolve("a.py"), "# TODO: one\nx = 1\n");
        Files.writeString(tree.resolve("c.py"), "z = 3\n");
        Map<String, Object> args = Map.of("path", "quality");
        assertQuality(args, 2, 1);
        Files.writeString(tree.resolve("a.py"), "# TODO: one\n# TODO: two\nx = 1\n");
        assertQuality(args, 2, 2);
        Files.writeString(tree.resolve("b.py"), "# FIXME: three\ny = 2\n");
        assertQuality(args, 3, 3);
        Files.delete(tree.resolve("a.py"));
        assertQuality(args, 2, 1);
        Files.writeString(tree.resolve(".gitignore"), "b.py\n");
        assertQuality(args, 1, 0);
    }

    @Test
    void qualityWithComparedTreesIsNeverServedFromTheCache() throws IOException {
        Path tree = Files.createDirectories(root.resolve("compare/one"));
        Files.createDirectories(root.resolve("compare/two"));
        Files.writeString(tree.resolve("a.py"), "x = 1\n");
        Map<String, Object> args = Map.of("path", "compare/one", "comparePaths", List.of("compare/two"));
        double hits = l1Hits();
        String first = text(call("analyze-quality", args));
        assertThat(text(call("analyze-quality", args))).isEqualTo(first);
        assertThat(l1Hits()).as("a compared tree is an input the key does not digest").isEqualTo(hits);
    }

    @Test
    void knowledgeGraphQueriesFollowEveryChangeOfTheTree() throws IOException {
        Path tree = Files.createDirectories(root.resolve("graph"));
        Files.writeString(tree.resolve("a.py"), "import b\n\ndef f():\n    return b.g()\n");
        Files.writeString(tree.resolve("b.py"), "def g():\n    return 1\n");
        Map<String, Object> built = structured(call("build-knowledge-graph", Map.of("path", "graph")));
        assertThat(built).containsEntry("source", "built");
        Map<String, Object> again = structured(call("build-knowledge-graph", Map.of("path", "graph")));
        // the pool's other analyzer process may take it: it has the graph on disk, not in its memory
        assertThat(again).containsEntry("snapshot", built.get("snapshot"));
        assertThat(again.get("source")).isIn("memory", "disk");
        String snapshot = (String) built.get("snapshot");
        assertThat(functions(snapshot)).containsExactly("f", "g");

        Files.writeString(tree.resolve("b.py"), "def g():\n    return 1\n\ndef h():\n    return 2\n");
        String edited = (String) structured(call("build-knowledge-graph", Map.of("path", "graph"))).get("snapshot");
        assertThat(edited).isNotEqualTo(snapshot);
        assertThat(functions(edited)).containsExactly("f", "g", "h");
        Files.writeString(tree.resolve("c.py"), "def k():\n    return 3\n");
        String added = snapshotOfQuery();
        assertThat(functions(added)).containsExactly("f", "g", "h", "k");
        Files.delete(tree.resolve("a.py"));
        String deleted = snapshotOfQuery();
        assertThat(functions(deleted)).containsExactly("g", "h", "k");
        Files.writeString(tree.resolve(".gitignore"), "c.py\n");
        String ignored = snapshotOfQuery();
        assertThat(functions(ignored)).containsExactly("g", "h");
        assertThat(List.of(snapshot, edited, added, deleted, ignored)).doesNotHaveDuplicates();
    }

    /** The functions of the tree's current graph by path, checked to be the graph of {@code snapshot}. */
    private static List<Object> functions(String snapshot) {
        Map<String, Object> answer = structured(call("query-knowledge-graph",
                Map.of("path", "graph", "op", "nodes", "kind", "function")));
        assertThat(answer).containsEntry("snapshot", snapshot);
        return asList(answer.get("nodes")).stream().map(n -> n.get("name")).toList();
    }

    private static String snapshotOfQuery() {
        return (String) structured(call("query-knowledge-graph", Map.of("path", "graph", "op", "nodes", "kind", "module")))
                .get("snapshot");
    }

    /** One cold call (a cache miss) and one warm (an L1 hit) of the tree as it is now: the same bytes. */
    private static Map<String, Object> coldThenWarm(String tool, Map<String, Object> args) {
        double hits = l1Hits();
        CallToolResult cold = call(tool, args);
        assertThat(l1Hits()).as("a changed tree is never answered from the cache").isEqualTo(hits);
        CallToolResult warm = call(tool, args);
        assertThat(l1Hits()).as("an unchanged tree is").isEqualTo(hits + 1);
        assertThat(text(warm)).isEqualTo(text(cold));
        assertThat(warm.structuredContent()).isEqualTo(cold.structuredContent());
        return structured(cold);
    }

    private static void assertDependencies(Map<String, Object> args, int files, int edges, int cycles,
                                           List<String> externals) {
        Map<String, Object> answer = coldThenWarm("analyze-dependencies", args);
        assertThat(asMap(answer.get("summary"))).containsEntry("files", files).containsEntry("edges", edges)
                .containsEntry("cycles", cycles);
        assertThat(asList(answer.get("externals"))).extracting(e -> e.get("ecosystem") + ":" + e.get("package"))
                .containsExactlyElementsOf(externals);
    }

    private static void assertQuality(Map<String, Object> args, int files, int todos) {
        Map<String, Object> summary = asMap(coldThenWarm("analyze-quality", args).get("summary"));
        assertThat(summary).containsEntry("files", files).containsEntry("findings", todos);
    }

    private static double l1Hits() {
        return harness.worker().getBean(MeterRegistry.class).counter("mcpca.cache.lookups", "level", "l1",
                "outcome", "hit").count();
    }

    private static CallToolResult call(String tool, Map<String, Object> args) {
        return client.callTool(new CallToolRequest(tool, args));
    }
}
