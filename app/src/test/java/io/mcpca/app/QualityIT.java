package io.mcpca.app;

import static io.mcpca.app.PipelineIT.asList;
import static io.mcpca.app.PipelineIT.asMap;
import static io.mcpca.app.PipelineIT.structured;
import static io.mcpca.app.PipelineIT.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.mcpca.shared.testing.RedisServerExtension;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 items 1, 2 and 5 through the whole pipeline (real Redis, real analyzer, the MCP Java SDK client):
 * {@code list-quality-rules} and {@code analyze-quality} on a small tree whose findings are worked out by hand
 * from the rules' definitions (the per-language fixtures of {@code crates/quality} check the rules themselves):
 * exact findings, summary, scores (the formula of {@code quality/src/score.rs}), the clone class across files and
 * across a compared tree, pages, the filters, and bad input refused with a clear code while the service stays up.
 */
class QualityIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path tmp;

    static Path root;
    static PipelineHarness harness;
    static McpSyncClient client;

    /** 52 tokens once names and literals are abstracted (counted by hand: `+=` is one token, `module.exports = { total };` eight) (10 code lines): b.js and other/copy.js are its clones. */
    static final String TOTAL = """
            function total(items) {
              let sum = 0;
              for (const item of items) {
                if (item.count > 0) {
                  sum += item.price * item.count;
                }
              }
              return sum;
            }

            module.exports = { total };
            """;
    static final String TOKEN = "ghp_0123456789abcdefghijABCDEFGHIJklmnopqr";

    @BeforeAll
    static void start() throws Exception {
        root = Files.createDirectories(tmp.resolve("root"));
        Path proj = Files.createDirectories(root.resolve("proj"));
        Files.createDirectories(proj.resolve("lib"));
        Files.createDirectories(proj.resolve("src"));
        Files.writeString(proj.resolve("lib/a.js"), TOTAL);
        Files.writeString(proj.resolve("lib/b.js"), TOTAL.replace("total", "weight").replace("items", "parcels")
                .replace("item.", "p.").replace("const item", "const p").replace("sum", "acc"));
        Files.writeString(proj.resolve("src/App.java"), """
                public class App {
                    public int run(int a, boolean fast) {
                        try {
                            return a / 3;
                        } catch (Exception e) {
                        }
                        return 0;
                    }
                }
                """);
        Files.writeString(proj.resolve("src/util.py"), "# TODO: cache this\ndef load(path):\n    return open(path).read()\n");
        Files.writeString(proj.resolve("secret.ts"), "export const githubToken = \"" + TOKEN + "\";\n");
        Files.createDirectories(root.resolve("other"));
        Files.writeString(root.resolve("other/copy.js"), TOTAL);
        Files.createDirectories(root.resolve("special"));
        new ProcessBuilder("mkfifo", root.resolve("special/pipe.py").toString()).start().waitFor();
        Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(tmp.resolve("outside/x.js"), TOTAL);
        harness = new PipelineHarness(REDIS.uri(), REDIS.newPrefix(), root, "--mcpca.ingress.call-timeout=60s");
        client = harness.client();
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void listsTheRulesWithTheirThresholdsAndFiltersByLanguage() {
        List<Map<String, Object>> rules = asList(structured(call("list-quality-rules", Map.of())).get("rules"));
        assertThat(rules).extracting(r -> r.get("id")).containsExactly("complex-function", "hard-to-read-function",
                "long-function", "long-parameter-list", "deep-nesting", "large-class", "large-file",
                "low-maintainability", "duplicated-blocks", "empty-catch", "catch-all", "todo-comment", "magic-number",
                "commented-out-code", "nested-ternary", "switch-without-default", "too-many-returns",
                "boolean-flag-parameter", "unreachable-code", "hard-coded-secret");
        assertThat(rules.get(0)).containsEntry("severity", "major").containsEntry("thresholds", Map.of("max", 10.0));
        assertThat(rules.get(8)).containsEntry("thresholds", Map.of("minTokens", 50.0, "minLines", 5.0));
        assertThat(rules).allSatisfy(r -> assertThat((String) r.get("description")).isNotBlank());
        List<Map<String, Object>> go = asList(structured(call("list-quality-rules", Map.of("language", "go"))).get("rules"));
        assertThat(go).hasSize(17).extracting(r -> r.get("id")).doesNotContain("empty-catch", "catch-all", "nested-ternary");
        assertError(call("list-quality-rules", Map.of("language", "cobol")), "BAD_ARGUMENTS");
    }

    @Test
    void analysesATreeWithExactFindingsScoresAndClones() {
        Map<String, Object> answer = structured(call("analyze-quality", Map.of("path", "proj")));
        assertThat(answer).containsEntry("root", "proj").containsEntry("nextCursor", null);
        assertThat(asList(answer.get("findings"))).extracting(f -> f.get("file"), f -> f.get("rule"), f -> f.get("startLine"),
                f -> f.get("endLine"), f -> f.get("severity")).containsExactly(
                tuple("proj/lib/a.js", "duplicated-blocks", 1, 11, "major"),
                tuple("proj/lib/b.js", "duplicated-blocks", 1, 11, "major"),
                tuple("proj/secret.ts", "hard-coded-secret", 1, 1, "critical"),
                tuple("proj/src/App.java", "boolean-flag-parameter", 2, 2, "minor"),
                tuple("proj/src/App.java", "magic-number", 4, 4, "info"),
                tuple("proj/src/App.java", "catch-all", 5, 5, "minor"),
                tuple("proj/src/App.java", "empty-catch", 5, 6, "major"),
                tuple("proj/src/util.py", "todo-comment", 1, 1, "info"));
        Map<String, Object> first = asList(answer.get("findings")).get(0);
        assertThat(first).containsEntry("message", "block of 52 tokens (11 lines) duplicated in 1 other place: proj/lib/b.js:1-11")
                .containsEntry("excerpt", "function total(items) {");
        Map<String, Object> secret = asList(answer.get("findings")).get(2);
        assertThat(secret).containsEntry("message", "GitHub token ghp_…(42 chars)")
                .containsEntry("excerpt", "export const githubToken = \"ghp_…(42 chars)\";");
        assertThat(text(call("analyze-quality", Map.of("path", "proj")))).doesNotContain(TOKEN);

        // penalty 5 + 5 + 10 + 3 + 1 + 3 + 5 + 1 = 33 over 32 code lines (counted as 50): 100 × 100 / (100 + 660)
        Map<String, Object> summary = asMap(answer.get("summary"));
        assertThat(summary).containsEntry("files", 5).containsEntry("codeLines", 32).containsEntry("findings", 8)
                .containsEntry("reported", 8).containsEntry("truncated", false).containsEntry("penalty", 33.0)
                .containsEntry("score", 13.2);
        assertThat(asList(summary.get("byRule"))).extracting(r -> r.get("rule"), r -> r.get("count")).containsExactly(
                tuple("duplicated-blocks", 2), tuple("boolean-flag-parameter", 1), tuple("catch-all", 1),
                tuple("empty-catch", 1), tuple("hard-coded-secret", 1), tuple("magic-number", 1), tuple("todo-comment", 1));
        // App.java: penalty 12 over 9 code lines (counted as 50): 100 × 100 / (100 + 240) = 29.4
        assertThat(asList(answer.get("files"))).extracting(f -> f.get("path"), f -> f.get("codeLines"), f -> f.get("score"))
                .containsExactly(tuple("proj/lib/a.js", 10, 50.0), tuple("proj/lib/b.js", 10, 50.0),
                        tuple("proj/secret.ts", 1, 33.3), tuple("proj/src/App.java", 9, 29.4), tuple("proj/src/util.py", 2, 83.3));
        assertThat(asList(answer.get("directories"))).extracting(d -> d.get("path"), d -> d.get("findings"), d -> d.get("score"))
                .containsExactly(tuple("", 8, 13.2), tuple("proj", 8, 13.2), tuple("proj/lib", 2, 33.3),
                        tuple("proj/src", 5, 27.8));
        assertThat(asList(answer.get("clones"))).singleElement().satisfies(c -> {
            assertThat(c).containsEntry("tokens", 52).containsEntry("lines", 11);
            assertThat(asList(c.get("locations"))).extracting(l -> l.get("file"), l -> l.get("startLine"), l -> l.get("tree"))
                    .containsExactly(tuple("proj/lib/a.js", 1, 0), tuple("proj/lib/b.js", 1, 0));
        });
    }

    @Test
    void pagesWalkEveryFindingOnceInOrder() {
        List<Object> all = asList(structured(call("analyze-quality", Map.of("path", "proj"))).get("findings"))
                .stream().map(f -> (Object) f).toList();
        List<Object> paged = new ArrayList<>();
        List<Object> cursors = new ArrayList<>();
        Map<String, Object> args = new HashMap<>(Map.of("path", "proj", "limit", 3));
        while (true) {
            Map<String, Object> page = structured(call("analyze-quality", args));
            paged.addAll(asList(page.get("findings")));
            cursors.add(page.get("nextCursor"));
            if (page.get("nextCursor") == null) {
                break;
            }
            args.put("cursor", page.get("nextCursor"));
        }
        assertThat(paged).isEqualTo(all);
        assertThat(cursors).containsExactly("o1:3", "o1:6", null);
    }

    @Test
    void filtersThresholdsAndComparedTrees() {
        assertThat(findings(Map.of("path", "proj", "minSeverity", "major"))).extracting(f -> f.get("rule"))
                .containsExactly("duplicated-blocks", "duplicated-blocks", "hard-coded-secret", "empty-catch");
        Map<String, Object> capped = structured(call("analyze-quality", Map.of("path", "proj", "maxIssues", 2)));
        assertThat(asList(capped.get("findings"))).hasSize(2);
        assertThat(asMap(capped.get("summary"))).containsEntry("findings", 8).containsEntry("reported", 2)
                .containsEntry("truncated", true);
        assertThat(findings(Map.of("path", "proj", "include", List.of("**/*.java")))).hasSize(4);
        assertThat(findings(Map.of("path", "proj", "exclude", List.of("lib/**", "*.ts")))).extracting(f -> f.get("file"))
                .containsOnly("proj/src/App.java", "proj/src/util.py");
        assertThat(findings(Map.of("path", "proj", "rules", List.of("todo-comment")))).extracting(f -> f.get("rule"))
                .containsExactly("todo-comment");
        assertThat(findings(Map.of("path", "proj", "thresholds", Map.of("duplicated-blocks", Map.of("minTokens", 53)))))
                .extracting(f -> f.get("rule")).doesNotContain("duplicated-blocks");

        Map<String, Object> across = structured(call("analyze-quality", Map.of("path", "proj/lib", "comparePaths", List.of("other"),
                "rules", List.of("duplicated-blocks"))));
        assertThat(asList(asList(across.get("clones")).get(0).get("locations")))
                .extracting(l -> l.get("file"), l -> l.get("tree"))
                .containsExactly(tuple("other/copy.js", 1), tuple("proj/lib/a.js", 0), tuple("proj/lib/b.js", 0));
        assertThat(asList(across.get("findings"))).extracting(f -> f.get("file")).containsExactly("proj/lib/a.js", "proj/lib/b.js");
        assertThat((String) asList(across.get("findings")).get(0).get("message")).contains("[tree 1] other/copy.js:1-11");
    }

    @Test
    void badInputIsRefusedWithAClearCodeAndTheServiceStaysUp() {
        assertError(call("analyze-quality", Map.of("path", tmp.resolve("outside").toString())), "PATH_OUTSIDE_ROOTS");
        assertError(call("analyze-quality", Map.of("path", "proj", "comparePaths", List.of(tmp.resolve("outside").toString()))),
                "PATH_OUTSIDE_ROOTS");
        assertError(call("analyze-quality", Map.of("path", "special/pipe.py")), "BAD_ARGUMENTS");
        assertError(call("analyze-quality", Map.of("path", "missing")), "NOT_FOUND");
        assertError(call("analyze-quality", Map.of("path", "proj", "include", List.of("src/[java"))), "BAD_ARGUMENTS");
        assertError(call("analyze-quality", Map.of("path", "proj", "maxIssues", 1_000_000)), "BAD_ARGUMENTS");
        assertError(call("analyze-quality", Map.of("path", "proj", "rules", List.of("no-such-rule"))), "BAD_ARGUMENTS");
        assertError(call("analyze-quality", Map.of("path", "proj", "thresholds", Map.of("empty-catch", Map.of("max", 1)))),
                "BAD_ARGUMENTS");
        assertError(call("analyze-quality", Map.of("path", "proj", "minSeverity", "fatal")), "BAD_ARGUMENTS");
        assertError(call("analyze-quality", Map.of("path", "proj", "cursor", "garbage")), "BAD_ARGUMENTS");
        assertThat(structured(call("ping", Map.of()))).containsEntry("pong", true);
        assertThat(findings(Map.of("path", "proj/src/util.py"))).extracting(f -> f.get("rule")).containsExactly("todo-comment");
    }

    private static List<Map<String, Object>> findings(Map<String, Object> arguments) {
        return asList(structured(call("analyze-quality", arguments)).get("findings"));
    }

    private static CallToolResult call(String tool, Map<String, Object> arguments) {
        return client.callTool(new CallToolRequest(tool, arguments));
    }

    private static void assertError(CallToolResult result, String code) {
        assertThat(result.isError()).as(text(result)).isTrue();
        assertThat(text(result)).startsWith(code);
    }
}
