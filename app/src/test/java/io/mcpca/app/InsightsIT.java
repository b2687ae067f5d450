package io.mcpca.app;

import static io.mcpca.app.PipelineIT.asList;
import static io.mcpca.app.PipelineIT.structured;
import static io.mcpca.app.PipelineIT.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.shared.testing.RedisServerExtension;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Codebase insights through the real ingress over MCP (issue 18): stored with anchors, retrieved by tag, text, anchor
 * and recency, updated with compare-and-set, marked stale when an anchored file changes or goes; another principal
 * sees none of them; limits refuse clearly; every key they write expires.
 */
class InsightsIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path root;
    static String prefix;
    static PipelineHarness harness;
    static McpSyncClient alice;
    static McpSyncClient bob;

    @BeforeAll
    static void start() throws Exception {
        Path repo = Files.createDirectories(root.resolve("repo/src"));
        Files.writeString(repo.resolve("Cache.java"), "class Cache {\n  void evict() {}\n}\n");
        Files.writeString(repo.resolve("Store.java"), "class Store {}\n");
        Files.writeString(repo.resolve("Gone.java"), "class Gone {}\n");
        Files.writeString(root.resolve("outside-repo.txt"), "not in the repository\n");
        prefix = REDIS.newPrefix();
        harness = new PipelineHarness(REDIS.uri(), prefix, root,
                "--mcpca.ingress.tokens.alice=alice-secret", "--mcpca.ingress.tokens.bob=bob-secret",
                "--mcpca.insights.max-per-principal=8", "--mcpca.insights.max-text-bytes=200B");
        alice = harness.client(Optional.of("alice-secret"));
        bob = harness.client(Optional.of("bob-secret"));
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void anInsightGoesStaleWhenItsFileChangesAndFreshAgainWhenRefreshed() throws Exception {
        Map<String, Object> stored = structured(call(alice, "store-codebase-insight", Map.of("repository", "repo",
                "text", "Cache.evict must run before Store flushes", "tags", List.of("caching", "ordering"),
                "anchors", List.of(Map.of("file", "src/Cache.java", "symbol", "evict", "startLine", 2, "endLine", 2),
                        Map.of("file", "src/Store.java")), "confidence", 0.7)));
        String id = (String) stored.get("id");
        assertThat(stored).containsEntry("version", 1).containsEntry("repository", "repo").containsEntry("anchors", 2);

        Map<String, Object> fresh = only(retrieve(alice, Map.of("id", id)));
        assertThat(fresh).containsEntry("stale", false).containsEntry("confidence", 0.7)
                .containsEntry("text", "Cache.evict must run before Store flushes");
        assertThat(asList(fresh.get("anchors"))).extracting(a -> a.get("stale")).containsExactly(false, false);
        assertThat(asList(fresh.get("anchors")).get(0)).containsEntry("symbol", "evict").containsEntry("startLine", 2);

        Files.writeString(root.resolve("repo/src/Store.java"), "class Store { int flushes; }\n");
        Map<String, Object> stale = only(retrieve(alice, Map.of("id", id)));
        assertThat(stale).containsEntry("stale", true);
        assertThat(asList(stale.get("anchors"))).extracting(a -> a.get("stale"), a -> a.get("staleReason"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple(false, null),
                        org.assertj.core.groups.Tuple.tuple(true, "changed"));
        assertThat(asList(retrieve(alice, Map.of("staleOnly", true, "tags", List.of("ordering"))).get("insights")))
                .extracting(i -> i.get("id")).containsExactly(id);

        assertThat(structured(call(alice, "update-codebase-insight", Map.of("id", id, "expectedVersion", 1,
                "refreshAnchors", true)))).containsEntry("version", 2);
        assertThat(only(retrieve(alice, Map.of("id", id)))).containsEntry("stale", false).containsEntry("version", 2);
    }

    @Test
    void aDeletedAnchorFileIsStaleWithItsReason() throws Exception {
        String id = (String) structured(call(alice, "store-codebase-insight", Map.of("repository", "repo",
                "text", "Gone is dead code", "anchors", List.of(Map.of("file", "src/Gone.java"))))).get("id");
        Files.delete(root.resolve("repo/src/Gone.java"));
        Map<String, Object> insight = only(retrieve(alice, Map.of("id", id)));
        assertThat(asList(insight.get("anchors")).get(0)).containsEntry("stale", true)
                .containsEntry("staleReason", "deleted");
    }

    @Test
    void anUpdateFromAStaleVersionIsAConflict() {
        String id = (String) structured(call(alice, "store-codebase-insight", Map.of("repository", "repo",
                "text", "first", "tags", List.of("cas")))).get("id");
        assertThat(structured(call(alice, "update-codebase-insight", Map.of("id", id, "expectedVersion", 1,
                "text", "second")))).containsEntry("version", 2);
        CallToolResult late = call(alice, "update-codebase-insight", Map.of("id", id, "expectedVersion", 1,
                "text", "from an agent that read version 1"));
        assertError(late, "VERSION_CONFLICT");
        assertThat(text(late)).contains("version 2");
        Map<String, Object> kept = only(retrieve(alice, Map.of("id", id)));
        assertThat(kept).containsEntry("text", "second").containsEntry("version", 2)
                .containsEntry("tags", List.of("cas"));
    }

    @Test
    void retrievalFiltersByTextAnchorAndRepositoryNewestFirstInPages() {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add((String) structured(call(alice, "store-codebase-insight", Map.of("repository", "repo",
                    "text", "Paging note " + i, "tags", List.of("paging"),
                    "anchors", List.of(Map.of("file", "src/Cache.java", "symbol", "evict")))))
                    .get("id"));
        }
        Map<String, Object> first = retrieve(alice, Map.of("tags", List.of("paging"), "limit", 2));
        assertThat(asList(first.get("insights"))).extracting(i -> i.get("id")).containsExactly(ids.get(2), ids.get(1));
        Map<String, Object> second = retrieve(alice, Map.of("tags", List.of("paging"), "limit", 2,
                "cursor", first.get("nextCursor")));
        assertThat(asList(second.get("insights"))).extracting(i -> i.get("id")).containsExactly(ids.get(0));
        assertThat(second).doesNotContainKey("nextCursor");

        assertThat(asList(retrieve(alice, Map.of("text", "PAGING NOTE 1")).get("insights")))
                .extracting(i -> i.get("id")).containsExactly(ids.get(1));
        assertThat(asList(retrieve(alice, Map.of("tags", List.of("paging"), "anchor", "evict")).get("insights")))
                .hasSize(3);
        assertThat(asList(retrieve(alice, Map.of("tags", List.of("paging"), "anchor", "src/Store")).get("insights")))
                .isEmpty();
        assertThat(asList(retrieve(alice, Map.of("tags", List.of("paging"), "repository", ".")).get("insights")))
                .isEmpty();
    }

    @Test
    void anotherPrincipalSeesNothingAndCannotUpdate() {
        String id = (String) structured(call(alice, "store-codebase-insight", Map.of("repository", "repo",
                "text", "alice's secret plan", "tags", List.of("private")))).get("id");
        assertThat(asList(retrieve(bob, Map.of("tags", List.of("private"))).get("insights"))).isEmpty();
        assertThat(asList(retrieve(bob, Map.of("id", id)).get("insights"))).isEmpty();
        assertError(call(bob, "update-codebase-insight", Map.of("id", id, "expectedVersion", 1, "text", "mine")),
                "NOT_FOUND");
        assertThat(only(retrieve(alice, Map.of("id", id)))).containsEntry("text", "alice's secret plan");
    }

    @Test
    void badInputIsRefusedClearly() throws Exception {
        assertError(call(alice, "store-codebase-insight", Map.of("repository", "/etc", "text", "x")),
                "PATH_OUTSIDE_ROOTS");
        assertError(call(alice, "store-codebase-insight", Map.of("repository", "repo/src/Cache.java", "text", "x")),
                "BAD_ARGUMENTS");
        assertError(call(alice, "store-codebase-insight", Map.of("repository", "repo", "text", "x",
                "anchors", List.of(Map.of("file", "src/Missing.java")))), "NOT_FOUND");
        assertError(call(alice, "store-codebase-insight", Map.of("repository", "repo", "text", "x",
                "anchors", List.of(Map.of("file", "../outside-repo.txt")))), "BAD_ARGUMENTS");
        Path fifo = root.resolve("repo/src/pipe");
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
        assertError(call(alice, "store-codebase-insight", Map.of("repository", "repo", "text", "x",
                "anchors", List.of(Map.of("file", "src/pipe")))), "BAD_ARGUMENTS");
        assertError(call(alice, "store-codebase-insight", Map.of("repository", "repo", "text", "y".repeat(201))),
                "BAD_ARGUMENTS");
        assertError(call(alice, "store-codebase-insight", Map.of("repository", "repo", "text", "x",
                "anchors", List.of(Map.of("file", "src/Cache.java", "startLine", 5, "endLine", 2)))), "BAD_ARGUMENTS");
        assertError(call(alice, "update-codebase-insight", Map.of("id", "no-such-id", "expectedVersion", 1)),
                "NOT_FOUND");
        assertError(call(alice, "retrieve-codebase-insights", Map.of("cursor", "not-a-cursor")), "BAD_ARGUMENTS");
        assertThat(structured(call(alice, "ping", Map.of()))).containsEntry("pong", true);
    }

    @Test
    void aPrincipalOverItsQuotaIsRefusedAndEveryInsightKeyExpires() {
        McpSyncClient carol = harness.client(Optional.of("bob-secret"));
        int stored = 0;
        CallToolResult last;
        do {
            last = call(carol, "store-codebase-insight", Map.of("repository", "repo", "text", "note " + stored));
            stored++;
        } while (!Boolean.TRUE.equals(last.isError()) && stored < 20);
        assertError(last, "QUOTA_EXCEEDED");
        assertThat(stored - 1).isEqualTo(8);

        var redis = REDIS.sync();
        List<String> keys = redis.keys(prefix + ":insight*");
        assertThat(keys).isNotEmpty();
        assertThat(keys).allSatisfy(key -> assertThat(redis.pttl(key)).as(key)
                .isBetween(29L * 24 * 3600 * 1000, 30L * 24 * 3600 * 1000));
    }

    private static Map<String, Object> retrieve(McpSyncClient client, Map<String, Object> filter) {
        return structured(call(client, "retrieve-codebase-insights", filter));
    }

    private static Map<String, Object> only(Map<String, Object> page) {
        List<Map<String, Object>> insights = asList(page.get("insights"));
        assertThat(insights).hasSize(1);
        return insights.get(0);
    }

    private static CallToolResult call(McpSyncClient client, String tool, Map<String, Object> arguments) {
        return client.callTool(new CallToolRequest(tool, arguments));
    }

    private static void assertError(CallToolResult result, String code) {
        assertThat(result.isError()).as(text(result)).isTrue();
        assertThat(result.meta()).containsEntry("errorCode", code);
    }
}
