package io.mcpca.app;

import static io.mcpca.app.PipelineIT.asList;
import static io.mcpca.app.PipelineIT.asMap;
import static io.mcpca.app.PipelineIT.structured;
import static io.mcpca.app.PipelineIT.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpca.app.cli.ReportCommand;
import io.mcpca.shared.testing.RedisServerExtension;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceRequest;
import io.modelcontextprotocol.spec.McpSchema.ResourceContents;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 item 6, the HTML report, through the whole pipeline (real Redis, real analyzer, Graphviz in the worker, the
 * MCP Java SDK client over HTTP): {@code generate-report}, the resource {@code analysis://report/{path}} and
 * {@code mcpca report} give one page, with the exact numbers of a fixture tree; the page loads in headless Chromium
 * with no console error and no request, and its SVG holds as many nodes as the graph says.
 *
 * <p>The fixture: the deps crate's JS fixture (StructureToolsIT.WEB: one cycle a -> b -> a and a -> d -> a, whose
 * edges madge gave), a file whose name is markup, and two Java files. Lines counted by hand as cloc counts them:
 * JS 6 files of 7+3+1+3+3+2 code lines and the markup one of 1; Cart.java 14 code, 1 comment (the Javadoc line),
 * 3 blank; Item.java 4 code, 1 blank. Cart.total: cyclomatic 4 (PMD: 1 + for + if + &&), cognitive 4 (for +1, the
 * nested if +2, && +1). Cart spans lines 6-18 (13), Item 3-5 (3).
 */
class ReportIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path tmp;

    static Path root;
    static PipelineHarness harness;
    static McpSyncClient client;

    /** A file name that is markup: the page must show it as text. */
    static final String MARKUP_NAME = "proj/web/src/<i>&\"x\".js";
    static final Map<String, String> PROJ = new LinkedHashMap<>();

    static {
        StructureToolsIT.WEB.forEach((path, content) -> PROJ.put("proj/" + path, content));
        PROJ.put(MARKUP_NAME, "module.exports = 2;\n");
        PROJ.put("proj/shop/com/shop/model/Item.java", "package com.shop.model;\n\npublic interface Item {\n"
                + "    int price();\n}\n");
        PROJ.put("proj/shop/com/shop/Cart.java", "package com.shop;\n\nimport java.util.List;\n\n"
                + "/** <b>Cart</b> & \"items\" */\npublic class Cart {\n    private int n;\n\n"
                + "    public int total(List<Integer> xs) {\n        int t = 0;\n        for (int x : xs) {\n"
                + "            if (x > 0 && x < 100) {\n                t += x;\n            }\n        }\n"
                + "        return t;\n    }\n}\n");
    }

    @BeforeAll
    static void start() throws Exception {
        root = Files.createDirectories(tmp.resolve("root"));
        Fixtures.write(root, PROJ);
        // a tree only the progress test reads, so its walk is never answered from the result cache
        Fixtures.write(root, Map.of("fresh/Item.java", PROJ.get("proj/shop/com/shop/model/Item.java"),
                "fresh/Cart.java", PROJ.get("proj/shop/com/shop/Cart.java")));
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
    void theReportHasTheExactNumbersOfTheTree() {
        Map<String, Object> report = structured(call(Map.of("path", "proj")));
        assertThat(report.get("root")).isEqualTo("proj");
        assertThat(asMap(report.get("summary"))).containsExactlyEntriesOf(expectedSummary(9, false));
        String html = (String) report.get("html");

        assertThat(html).startsWith("<!DOCTYPE html>").contains("<title>Code report: proj</title>");
        assertThat(html).contains("<tr><td>javascript</td>" + cells(7, 20, 0, 0, 1) + "</tr>",
                "<tr><td>java</td>" + cells(2, 18, 1, 4, 2) + "</tr>",
                "<tfoot>\n<tr><td>total</td>" + cells(9, 38, 1, 4, 3) + "</tr>");
        assertThat(html.indexOf("<td>javascript</td>")).isLessThan(html.indexOf("<td>java</td>")); // more code first
        assertThat(html).contains("<tr><td><code>total</code></td><td>method</td><td><code>proj/shop/com/shop/Cart.java:9"
                + "</code></td>" + cells(4, 4) + "</tr>");
        assertThat(html).contains("<p>9 files with 13 imports: 9 inside the tree, 3 external, 1 unresolved. The file "
                + "graph has 9 nodes and 8 edges; edges on cycles are red.</p>");
        assertThat(html).contains("<p>1 cycle (strongly connected components)", "<tr><td class=\"n\">3</td><td><code>"
                + "proj/web/src/a.js → proj/web/src/b.js → proj/web/src/a.js</code></td></tr>");
        assertThat(html).contains("<tr><td><code>Cart</code></td><td>class</td><td><code>proj/shop/com/shop/Cart.java:6-18"
                + "</code></td>" + cells(13, 1, 4) + "</tr>\n<tr><td><code>Item</code></td><td>interface</td><td><code>"
                + "proj/shop/com/shop/model/Item.java:3-5</code></td>" + cells(3, 1, 1) + "</tr>");
        // the markup file name is drawn as text; nothing but the page's own style element and a drawing is in it
        assertThat(html).contains("&lt;i&gt;&amp;&quot;x&quot;.js").doesNotContain("<i>").doesNotContainIgnoringCase("<script");
        assertThat(count(html, "<g class=\"node\"")).isEqualTo(9);
        assertThat(count(html, "<g class=\"edge\"")).isEqualTo(8);

        // the same numbers as the tools the page is made of
        Map<String, Object> deps = structured(client.callTool(new CallToolRequest("analyze-dependencies",
                Map.of("path", "proj"))));
        assertThat(deps).containsEntry("root", "proj");
        assertThat(asMap(deps.get("summary"))).containsEntry("nodes", 9).containsEntry("edges", 8)
                .containsEntry("cycles", 1);
        assertThat(asList(deps.get("cycles"))).singleElement().satisfies(c -> assertThat(c.get("members"))
                .isEqualTo(List.of("web/src/a.js", "web/src/b.js", "web/src/d.js")));
    }

    @Test
    void theResourceAndTheCommandGiveTheToolsPage(@TempDir Path out) throws Exception {
        String html = (String) structured(call(Map.of("path", "proj"))).get("html");
        // the command names the page after the directory
        String titled = (String) structured(call(Map.of("path", "proj", "title", "proj"))).get("html");
        assertThat(titled).isEqualTo(html);
        String renamed = (String) structured(call(Map.of("path", "proj", "title", "<b>"))).get("html");
        assertThat(renamed).contains("<title>Code report: &lt;b&gt;</title>", "<h1>Code report: &lt;b&gt;</h1>");

        List<ResourceContents> contents = client.readResource(new ReadResourceRequest("analysis://report/proj")).contents();
        assertThat(contents).singleElement().isInstanceOfSatisfying(TextResourceContents.class, c -> {
            assertThat(c.mimeType()).isEqualTo("text/html");
            assertThat(c.text()).isEqualTo(html);
        });

        Path file = out.resolve("report.html");
        int exit = ReportCommand.run(new String[] {root.resolve("proj").toString(), "-o", file.toString(), "--url",
                harness.url() + "/mcp"});
        assertThat(exit).isZero();
        assertThat(Files.readString(file)).isEqualTo(html);

        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        assertThat(ReportCommand.run(new String[] {root.resolve("proj").toString(), "--url", harness.url() + "/mcp"},
                new PrintStream(stdout, true, StandardCharsets.UTF_8))).isZero();
        assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo(html);
        assertThat(ReportCommand.run(new String[] {root.resolve("proj/nope").toString()})).isEqualTo(2);
        assertThat(ReportCommand.run(new String[] {"-o"})).isEqualTo(2);
    }

    @Test
    void aLargeGraphCollapsesToDirectoriesAndThePageSaysSo() {
        Map<String, Object> report = structured(call(Map.of("path", "proj", "maxNodes", 2, "hotspots", 1, "classes", 0)));
        Map<String, Object> picture = structured(client.callTool(new CallToolRequest("visualize-dependencies",
                Map.of("path", "proj", "format", "svg", "maxNodes", 2))));
        assertThat(picture).containsEntry("collapsed", true);
        Map<String, Object> expected = expectedSummary((Integer) picture.get("nodes"), true);
        expected.put("edges", picture.get("edges"));
        expected.put("hotspots", 1);
        expected.put("classes", 0);
        assertThat(asMap(report.get("summary"))).containsExactlyEntriesOf(expected);
        String html = (String) report.get("html");
        assertThat(html).contains("<p class=\"note\">" + picture.get("note") + "</p>", "<p>No classes.</p>");
        assertThat(count(html, "<g class=\"node\"")).isEqualTo((Integer) picture.get("nodes"));
    }

    @Test
    void theReportLoadsInHeadlessChromiumWithoutErrorsOrRequests(@TempDir Path work) throws Exception {
        HeadlessChromium.assumeInstalled();
        Map<String, Object> full = structured(call(Map.of("path", "proj")));
        Map<String, Object> collapsed = structured(call(Map.of("path", "proj", "maxNodes", 2)));
        String nodes = "document.querySelectorAll('figure.graph svg g.node').length";
        try (HeadlessChromium chromium = HeadlessChromium.start(work)) {
            // the driver sees what a broken page does, so its silence below means something
            Path broken = work.resolve("broken.html");
            Files.writeString(broken, "<!DOCTYPE html><title>b</title><img src=\"http://127.0.0.1:9/x.png\">"
                    + "<script>console.error('seen'); undefinedFunction();</script>");
            HeadlessChromium.Loaded bad = chromium.load(broken, "1");
            assertThat(bad.consoleErrors()).anyMatch(e -> e.contains("seen")).anyMatch(e -> e.contains("undefinedFunction"));
            assertThat(bad.requests()).containsExactly("http://127.0.0.1:9/x.png");

            for (Map<String, Object> report : List.of(full, collapsed)) {
                Path page = work.resolve("report-" + asMap(report.get("summary")).get("nodes") + ".html");
                Files.writeString(page, (String) report.get("html"));
                HeadlessChromium.Loaded loaded = chromium.load(page, nodes);
                assertThat(loaded.consoleErrors()).as(page.toString()).isEmpty();
                assertThat(loaded.requests()).as(page.toString()).isEmpty();
                assertThat(loaded.value().asInt()).isEqualTo(asMap(report.get("summary")).get("nodes"));
            }
            assertThat(chromium.load(work.resolve("report-9.html"), "document.title").value().asText())
                    .isEqualTo("Code report: proj");
            assertThat(chromium.load(work.resolve("report-9.html"),
                    "[...document.querySelectorAll('#dependencies svg text')].some(t => t.textContent === '"
                            + "proj/web/src/<i>&\"x\".js')").value().asBoolean()).isTrue();
        }
    }

    @Test
    void theWalkOfTheTreeReportsProgressUnderTheReportsToken() {
        List<ProgressNotification> progress = new CopyOnWriteArrayList<>();
        try (McpSyncClient watching = McpClient.sync(HttpClientStreamableHttpTransport.builder(harness.url())
                .endpoint("/mcp").build()).requestTimeout(Duration.ofSeconds(60)).progressConsumer(progress::add).build()) {
            watching.initialize();
            CallToolResult result = watching.callTool(CallToolRequest.builder("generate-report")
                    .arguments(Map.of("path", "fresh")).progressToken("r1").build());
            assertThat(result.isError()).as(text(result)).isFalse();
            // the worker sends at most one progress line per 200 ms: the walk's first file at least
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !progress.isEmpty());
        }
        assertThat(progress).allSatisfy(p -> {
            assertThat(p.progressToken()).isEqualTo("r1");
            assertThat(p.total()).isEqualTo(2.0);
        });
    }

    @Test
    void badInputIsRefusedWithTheCodeOfTheToolThatRefused() {
        assertError(call(Map.of("path", "proj/nope")), "NOT_FOUND");
        assertError(call(Map.of("path", "../outside")), "PATH_OUTSIDE_ROOTS");
        assertError(call(Map.of("path", "proj", "maxNodes", 0)), "BAD_ARGUMENTS");
        assertThat(text(call(Map.of("path", "proj/nope")))).startsWith("NOT_FOUND: analyze-metrics failed: ")
                .endsWith(" (not retryable)").doesNotContain("NOT_FOUND: NOT_FOUND");
        assertThatThrownBy(() -> client.readResource(new ReadResourceRequest("analysis://report/proj/nope")))
                .isInstanceOf(McpError.class);
    }

    private static Map<String, Object> expectedSummary(int nodes, boolean collapsed) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("languages", 2);
        summary.put("files", 9);
        summary.put("code", 38);
        summary.put("functions", 3);
        summary.put("hotspots", 3);
        summary.put("nodes", nodes);
        summary.put("edges", 8);
        summary.put("collapsed", collapsed);
        summary.put("cycles", 1);
        summary.put("classes", 2);
        return summary;
    }

    private static String cells(int... values) {
        StringBuilder out = new StringBuilder();
        for (int value : values) {
            out.append("<td class=\"n\">").append(value).append("</td>");
        }
        return out.toString();
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            n++;
        }
        return n;
    }

    private static CallToolResult call(Map<String, Object> arguments) {
        return client.callTool(new CallToolRequest("generate-report", arguments));
    }

    private static void assertError(CallToolResult result, String code) {
        assertThat(result.isError()).as(text(result)).isTrue();
        assertThat(text(result)).startsWith(code);
    }
}
