package io.mcpca.app;

import static io.mcpca.app.PipelineIT.asList;
import static io.mcpca.app.PipelineIT.asMap;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 items 1 and 2 through the whole pipeline (real Redis, real analyzer, real git, the MCP Java SDK client):
 * the history tools on a repository built by {@code make-history-repo.sh} (the Rust tests' fixture: fixed authors and
 * dates, a .mailmap, a rename, files changed together). The expected values are what {@code git log --numstat},
 * {@code git log --follow --numstat} and {@code git shortlog -sne} print for that history (listed in
 * {@code serve_history.rs}, which checks them against git itself); bad input gets a clear code and the service stays up.
 */
class HistoryToolsIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path tmp;

    static PipelineHarness harness;
    static McpSyncClient client;

    @BeforeAll
    static void start() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path script = Path.of("..", "rust-workers", "crates", "mcpca-analyzer", "tests", "fixtures", "make-history-repo.sh");
        Process make = new ProcessBuilder("sh", script.toString(), root.resolve("repo").toString()).inheritIO().start();
        assertThat(make.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(make.exitValue()).isZero();
        Files.createDirectories(root.resolve("plain"));
        Files.createDirectories(tmp.resolve("outside"));
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
    void analyzeHistoryCountsChurnCommitsAndAuthorsAsGitDoes() {
        Map<String, Object> history = structured(call("analyze-history", Map.of("path", "repo", "limit", 2)));
        assertThat(history).containsEntry("root", "repo");
        assertThat(asMap(history.get("totals"))).containsEntry("commits", 5).containsEntry("authors", 3)
                .containsEntry("files", 5).containsEntry("added", 28).containsEntry("removed", 3).containsEntry("churn", 31);
        // git shortlog -sne HEAD: 2 Alice (one commit as alice@old.example, mailmapped), 2 Bob, 1 Carol
        assertThat(asList(history.get("authors"))).extracting(a -> a.get("name") + " " + a.get("commits"))
                .containsExactly("Alice 2", "Bob 2", "Carol 1");
        List<Map<String, Object>> files = asList(history.get("files"));
        // helpers.py was util.py: git log --follow --numstat sums 4 commits, 12 added, 2 removed
        assertThat(files.get(0)).containsEntry("path", "repo/src/helpers.py").containsEntry("commits", 4)
                .containsEntry("added", 12).containsEntry("removed", 2).containsEntry("churn", 14)
                .containsEntry("renamedFrom", List.of("repo/src/util.py"));
        assertThat(files.get(1)).containsEntry("path", "repo/src/app.py").containsEntry("commits", 3).containsEntry("churn", 11);
        assertThat(asMap(history.get("page"))).containsEntry("totalFiles", 5).containsEntry("count", 2);
        Map<String, Object> next = structured(call("analyze-history",
                Map.of("path", "repo", "limit", 2, "cursor", history.get("nextCursor"))));
        assertThat(asList(next.get("files"))).extracting(f -> f.get("path"))
                .containsExactly("repo/docs/guide.md", "repo/.mailmap");
        assertThat(asList(history.get("activity"))).extracting(a -> a.get("period") + " " + a.get("commits"))
                .containsExactly("2026-01 2", "2026-02 2", "2026-03 1");
    }

    @Test
    void whoOwnsADirectoryAndWhatIsRiskyInIt() {
        Map<String, Object> social = structured(call("socio-technical-analysis", Map.of("path", "repo/src")));
        assertThat(asMap(social.get("busFactor"))).containsEntry("busFactor", 1)
                .containsEntry("authors", List.of("Bob <bob@example.com>"));
        assertThat(asList(social.get("directories"))).singleElement().satisfies(d -> assertThat(d)
                .containsEntry("path", "repo/src").containsEntry("owner", "Bob <bob@example.com>")
                .containsEntry("ownerLines", 15).containsEntry("linesChanged", 25).containsEntry("ownerShare", 0.6));
        Map<String, Object> hotspots = structured(call("hotspots", Map.of("path", "repo/src")));
        assertThat(asList(hotspots.get("files"))).extracting(f -> f.get("path") + " " + f.get("churn") + "x"
                + f.get("cyclomatic") + "=" + f.get("score"))
                .containsExactly("repo/src/helpers.py 14x4=56", "repo/src/app.py 11x5=55");
        assertThat(asList(hotspots.get("functions")).get(0)).containsEntry("name", "run").containsEntry("changedLines", 9)
                .containsEntry("commits", 3).containsEntry("score", 45);
        Map<String, Object> coupling = structured(call("change-coupling", Map.of("path", "repo")));
        assertThat(asList(coupling.get("pairs"))).singleElement().satisfies(p -> assertThat(p)
                .containsEntry("a", "repo/src/app.py").containsEntry("b", "repo/src/helpers.py")
                .containsEntry("support", 3).containsEntry("confidenceBToA", 0.75));
        Map<String, Object> evolution = structured(call("evolution-pathway", Map.of("path", "repo/src/app.py")));
        assertThat(asList(evolution.get("samples"))).extracting(s -> s.get("cyclomatic") + "/" + s.get("hotspotRank"))
                .containsExactly("2/1", "3/1", "5/2");
        assertThat((String) evolution.get("method")).contains("hotspotRank");
    }

    @Test
    void badInputIsRefusedClearlyAndTheServiceStaysUp() {
        assertError(call("analyze-history", Map.of("path", "plain")), "BAD_ARGUMENTS");
        assertThat(text(call("analyze-history", Map.of("path", "plain")))).contains("plain is not inside a git repository");
        assertError(call("hotspots", Map.of("path", "../outside")), "PATH_OUTSIDE_ROOTS");
        assertError(call("change-coupling", Map.of("path", "/etc")), "PATH_OUTSIDE_ROOTS");
        assertError(call("socio-technical-analysis", Map.of("path", "repo", "islandShare", 0.3)), "BAD_ARGUMENTS");
        assertError(call("evolution-pathway", Map.of("path", "repo", "samples", 0)), "BAD_ARGUMENTS");
        assertError(call("analyze-history", Map.of("path", "repo", "since", "--output=/tmp/x")), "BAD_ARGUMENTS");
        assertThat(asMap(structured(call("analyze-history", Map.of("path", "repo"))).get("totals"))).containsEntry("commits", 5);
    }

    /** A repository named by URL is read from the worker's checkout cache with its history: the same answer. */
    @Test
    void aRepositoryByUrlHasTheSameHistoryAndNamesItsCommit() throws Exception {
        Path repo = tmp.resolve("root/repo");
        Process head = new ProcessBuilder("git", "-C", repo.toString(), "rev-parse", "HEAD").start();
        String commit = new String(head.getInputStream().readAllBytes()).strip();
        assertThat(head.waitFor(30, TimeUnit.SECONDS)).isTrue();

        Map<String, Object> byPath = structured(call("analyze-history", Map.of("path", "repo")));
        Map<String, Object> byUrl = structured(call("analyze-history", Map.of("url", repo.toUri().toString())));
        assertThat(byUrl).containsEntry("commit", commit);
        assertThat(byUrl.get("totals")).isEqualTo(byPath.get("totals"));
        assertThat(byUrl.get("authors")).isEqualTo(byPath.get("authors"));
        assertThat(asList(byUrl.get("files"))).extracting(f -> f.get("path") + " " + f.get("churn"))
                .containsExactlyElementsOf(asList(byPath.get("files")).stream()
                        .map(f -> String.valueOf(f.get("path")).substring("repo/".length()) + " " + f.get("churn")).toList());
        Map<String, Object> atHead = structured(call("change-coupling", Map.of("url", repo.toUri().toString(), "ref", commit)));
        assertThat(atHead).containsEntry("commit", commit);

        assertError(call("analyze-history", Map.of("url", "https://example.com/team/repo.git")), "URL_NOT_ALLOWED");
        assertError(call("analyze-history", Map.of("url", repo.toUri().toString(), "path", "repo")), "BAD_ARGUMENTS");
        assertError(call("hotspots", Map.of("url", repo.toUri().toString(), "ref", "no-such-branch")), "NOT_FOUND");
    }

    private static CallToolResult call(String tool, Map<String, Object> arguments) {
        return client.callTool(new CallToolRequest(tool, arguments));
    }

    private static void assertError(CallToolResult result, String code) {
        assertThat(result.isError()).as(text(result)).isTrue();
        assertThat(text(result)).startsWith(code + ":");
    }
}
