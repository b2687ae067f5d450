package io.mcpca.app;

import static io.mcpca.app.PipelineIT.asList;
import static io.mcpca.app.PipelineIT.asMap;
import static io.mcpca.app.PipelineIT.structured;
import static io.mcpca.app.PipelineIT.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.workers.config.WorkerRuntime;
import io.mcpca.workers.run.AnalyzerPool;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 items 3 and 4 through the whole pipeline (real Redis, real analyzer, the MCP Java SDK client over HTTP):
 * {@code visualize-code-structure}, {@code visualize-dependencies} and the knowledge graph tools on a Java fixture
 * (the one in {@code rust-workers/crates/structure/tests/fixtures/shop}) whose supertypes and call targets were
 * checked with {@code javac} + {@code javap -c -p} (JDK 17): {@code Book extends Product implements Item,
 * Comparable<Book>}; javac binds {@code Book.price -> base} (Product's) and {@code Book.compareTo -> price}; the
 * other calls leave the tree ({@code Integer.compare}, {@code List.add}) or go through an interface
 * ({@code Cart.total -> Item.price}, which the graph counts as ambiguous: receivers are not typed).
 */
class StructureToolsIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path tmp;

    static Path root;
    static String prefix;
    static PipelineHarness harness;
    static McpSyncClient client;

    static final Map<String, String> SHOP = new LinkedHashMap<>();

    static {
        SHOP.put("shop/com/shop/model/Item.java", "package com.shop.model;\n\npublic interface Item {\n    int price();\n}\n");
        SHOP.put("shop/com/shop/model/Product.java", "package com.shop.model;\n\npublic abstract class Product {\n"
                + "    protected int base() {\n        return 10;\n    }\n\n    public static class Sku {\n    }\n}\n");
        SHOP.put("shop/com/shop/model/Book.java", "package com.shop.model;\n\n"
                + "public class Book extends Product implements Item, Comparable<Book> {\n"
                + "    public int price() {\n        return base();\n    }\n\n"
                + "    public int compareTo(Book o) {\n        return Integer.compare(price(), o.price());\n    }\n}\n");
        SHOP.put("shop/com/shop/Cart.java", "package com.shop;\n\nimport com.shop.model.Book;\nimport com.shop.model.Item;\n"
                + "import java.util.ArrayList;\nimport java.util.List;\n\npublic class Cart {\n"
                + "    private final List<Item> items = new ArrayList<>();\n\n"
                + "    public void put(Book b) {\n        items.add(b);\n    }\n\n"
                + "    public int total() {\n        int t = 0;\n        for (Item i : items) {\n"
                + "            t += i.price();\n        }\n        return t;\n    }\n}\n");
    }

    /** The deps crate's JS fixture (rust-workers/crates/deps/tests/fixtures/js), whose edges and cycles madge 8 gave. */
    static final Map<String, String> WEB = new LinkedHashMap<>();

    static {
        WEB.put("web/src/a.js", "import b from './b';\nimport { x } from './lib';\nconst c = require('./c');\n"
                + "export async function load() {\n  return import('./d');\n}\nexport default b + x + c;\n");
        WEB.put("web/src/b.js", "import a from './a';\nimport _ from 'lodash';\nexport default _.identity(a);\n");
        WEB.put("web/src/c.js", "module.exports = 1;\n");
        WEB.put("web/src/d.js", "import { load } from './a';\nimport missing from './missing';\nexport default load;\n");
        WEB.put("web/src/lib/util.js", "const c = require('../c');\nconst fs = require('fs');\nmodule.exports = { x: c };\n");
        WEB.put("web/src/lib/index.js", "export * from './util';\nexport { x } from './util.js';\n");
    }

    @BeforeAll
    static void start() throws Exception {
        for (Map.Entry<String, String> file : WEB.entrySet()) {
            Path path = tmp.resolve("root").resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue());
        }
        root = Files.createDirectories(tmp.resolve("root"));
        for (Map.Entry<String, String> file : SHOP.entrySet()) {
            // the shop twice: "fresh" is built by one test only, so its first build is never answered from memory
            for (String copy : List.of(file.getKey(), file.getKey().replaceFirst("^shop/", "fresh/"))) {
                Path path = root.resolve(copy);
                Files.createDirectories(path.getParent());
                Files.writeString(path, file.getValue());
            }
        }
        Files.createDirectories(root.resolve("edited"));
        Files.writeString(root.resolve("edited/a.py"), "def f():\n    return g()\n\ndef g():\n    return 1\n");
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("b.py"), "x = 1\n");
        new ProcessBuilder("mkfifo", root.resolve("pipe").toString()).start().waitFor();
        prefix = REDIS.newPrefix();
        harness = new PipelineHarness(REDIS.uri(), prefix, root, "--mcpca.ingress.call-timeout=60s",
                "--mcpca.worker.analyzer-cache-dir=" + tmp.resolve("analyzer-cache"));
        client = harness.client();
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    static final String SHOP_MERMAID = "flowchart LR\n"
            + "  subgraph g0[\"shop/com/shop/Cart.java\"]\n    n0[\"Cart\"]\n  end\n"
            + "  subgraph g1[\"shop/com/shop/model/Book.java\"]\n    n1[\"Book\"]\n  end\n"
            + "  subgraph g2[\"shop/com/shop/model/Item.java\"]\n    n2([\"«interface» Item\"])\n  end\n"
            + "  subgraph g3[\"shop/com/shop/model/Product.java\"]\n    n3[\"Product\"]\n    n4[\"Product.Sku\"]\n  end\n"
            + "  n5[/\"Comparable\"/]\n"
            + "  n1 -->|\"extends\"| n3\n  n1 -.->|\"implements\"| n2\n  n1 -.->|\"implements\"| n5\n"
            + "  n3 ---|\"contains\"| n4\n";

    @Test
    void classStructureAsMermaidDotAndSvg() {
        Map<String, Object> mermaid = structured(call("visualize-code-structure", Map.of("path", "shop")));
        assertThat(mermaid).containsEntry("root", "shop").containsEntry("format", "mermaid").containsEntry("level", "type")
                .containsEntry("collapsed", false).containsEntry("nodes", 6).containsEntry("edges", 4)
                .containsEntry("totalNodes", 6).containsEntry("diagram", SHOP_MERMAID);
        String dot = (String) structured(call("visualize-code-structure", Map.of("path", "shop", "format", "dot")))
                .get("diagram");
        assertThat(dot).startsWith("digraph structure {\n").contains(
                "  n1 -> n3 [label=\"extends\", arrowhead=empty];\n",
                "  n1 -> n2 [label=\"implements\", arrowhead=empty, style=dashed];\n",
                "  n3 -> n4 [label=\"contains\", arrowhead=odiamond, dir=back];\n");
        String svg = (String) structured(call("visualize-code-structure", Map.of("path", "shop", "format", "svg")))
                .get("diagram");
        assertThat(svg).contains("<svg");
        assertThat(count(svg, "class=\"node\"")).isEqualTo(6);
        assertThat(count(svg, "class=\"edge\"")).isEqualTo(4);
    }

    /**
     * madge 8 on the JS fixture: edges a->b, a->d, a->lib/index, b->a, d->a, lib/index->lib/util, lib/util->c, cycles
     * [a, b] and [a, d]; the deps crate adds a->c (a require beside ESM imports, which madge skips). The four edges of
     * madge's cycles are drawn red.
     */
    @Test
    void dependenciesWithCyclesInRed() {
        Map<String, Object> files = structured(call("visualize-dependencies", Map.of("path", "web")));
        assertThat(files).containsEntry("root", "web").containsEntry("level", "file").containsEntry("collapsed", false)
                .containsEntry("nodes", 6).containsEntry("edges", 8).containsEntry("diagram", WEB_MERMAID);
        String svg = (String) structured(call("visualize-dependencies", Map.of("path", "web", "format", "svg")))
                .get("diagram");
        assertThat(count(svg, "class=\"node\"")).isEqualTo(6);
        assertThat(count(svg, "class=\"edge\"")).isEqualTo(8);
        assertThat(count(svg, "stroke=\"#dd0000\"")).isEqualTo(4 * 2); // each red edge: its line and its arrowhead
        Map<String, Object> collapsed = structured(call("visualize-dependencies", Map.of("path", "web", "maxNodes", 5)));
        assertThat(collapsed).containsEntry("level", "directory").containsEntry("collapsed", true)
                .containsEntry("nodes", 2).containsEntry("totalNodes", 6)
                .containsEntry("note", "6 files exceed maxNodes 5: collapsed to 2 directories");
    }

    static final String WEB_MERMAID = "flowchart LR\n"
            + "  subgraph g0[\"web/src\"]\n    n0[\"web/src/a.js\"]\n    n1[\"web/src/b.js\"]\n"
            + "    n2[\"web/src/c.js\"]\n    n3[\"web/src/d.js\"]\n  end\n"
            + "  subgraph g1[\"web/src/lib\"]\n    n4[\"web/src/lib/index.js\"]\n    n5[\"web/src/lib/util.js\"]\n  end\n"
            + "  n0 -->|\"imports\"| n1\n  n0 -->|\"imports\"| n2\n  n0 -->|\"imports\"| n3\n  n0 -->|\"imports\"| n4\n"
            + "  n1 -->|\"imports\"| n0\n  n3 -->|\"imports\"| n0\n  n4 -->|\"imports ×2\"| n5\n  n5 -->|\"imports\"| n2\n"
            + "  linkStyle 0,2,4,5 stroke:#d00,stroke-width:2px\n";

    @Test
    void aPicturePastItsNodeBudgetCollapsesToDirectoriesAndSaysSo() {
        Map<String, Object> small = structured(call("visualize-code-structure", Map.of("path", "shop", "maxNodes", 2)));
        assertThat(small).containsEntry("level", "directory").containsEntry("collapsed", true)
                .containsEntry("nodes", 2).containsEntry("edges", 0).containsEntry("totalNodes", 6)
                .containsEntry("note", "6 nodes exceed maxNodes 2: collapsed to 2 directories "
                        + "(relations inside a directory and to external types not drawn)");
        assertThat((String) small.get("diagram")).contains("[[\"shop/com/shop (1 types)\"]]",
                "[[\"shop/com/shop/model (4 types)\"]]");
    }

    @Test
    void theKnowledgeGraphIsBuiltOnceAndSharedThroughRedis() throws IOException {
        Map<String, Object> built = structured(call("build-knowledge-graph", Map.of("path", "fresh")));
        assertThat(built).containsEntry("root", "fresh").containsEntry("source", "built");
        assertThat(asMap(built.get("resolution"))).containsEntry("callsFound", 6).containsEntry("callsResolved", 3)
                .containsEntry("callsAmbiguous", 1).containsEntry("callsUnresolved", 2)
                .containsEntry("supertypesResolved", 2).containsEntry("supertypesUnresolved", 1);
        assertThat(asMap(built.get("nodesByKind"))).containsEntry("repository", 1).containsEntry("directory", 3)
                .containsEntry("file", 4).containsEntry("module", 2).containsEntry("class", 4)
                .containsEntry("interface", 1).containsEntry("method", 6).containsEntry("external", 1);
        assertThat(asMap(built.get("edgesByKind"))).containsEntry("contains", 11).containsEntry("defines", 11)
                .containsEntry("extends", 1).containsEntry("implements", 1).containsEntry("calls", 2)
                .containsEntry("imports", 3);
        Map<String, Object> again = structured(call("build-knowledge-graph", Map.of("path", "fresh")));
        // not rebuilt: the pool keeps two analyzers; the one that built it answers from memory, the other from disk
        assertThat(again.get("source")).isIn("memory", "disk");
        assertThat(again).containsEntry("snapshot", built.get("snapshot"));
        // the graph went to Redis under its own key, with a TTL
        List<String> graphs = REDIS.sync().keys(new Keys(prefix).knowledgeGraphPattern()).stream()
                .filter(k -> k.contains((String) built.get("snapshot"))).toList();
        assertThat(graphs).hasSize(1);
        assertThat(REDIS.sync().pttl(graphs.get(0))).isPositive();
        // a fresh analyzer (nothing in memory, an empty disk cache), as on another worker machine, takes the graph
        // from Redis instead of building it
        for (AnalyzerPool pool : harness.worker().getBean(WorkerRuntime.class).analyzerPools()) {
            for (long pid : pool.pids()) {
                ProcessHandle.of(pid).ifPresent(p -> {
                    p.destroyForcibly();
                    p.onExit().join();
                });
            }
        }
        deleteTree(tmp.resolve("analyzer-cache"));
        Map<String, Object> shared = structured(call("build-knowledge-graph", Map.of("path", "fresh")));
        assertThat(shared).containsEntry("source", "shared").containsEntry("snapshot", built.get("snapshot"))
                .containsEntry("edgesByKind", built.get("edgesByKind"));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void anEditedTreeIsANewSnapshot() throws IOException {
        Map<String, Object> first = structured(call("build-knowledge-graph", Map.of("path", "edited")));
        assertThat(asMap(first.get("edgesByKind"))).containsEntry("calls", 1);
        Files.writeString(root.resolve("edited/a.py"), "def f():\n    return g()\n\ndef g():\n    return f()\n");
        Map<String, Object> second = structured(call("build-knowledge-graph", Map.of("path", "edited")));
        assertThat(second).containsEntry("source", "built");
        assertThat(second.get("snapshot")).isNotEqualTo(first.get("snapshot"));
        assertThat(asMap(second.get("edgesByKind"))).containsEntry("calls", 2);
    }

    @Test
    void queriesAnswerWhoCallsExtendsAndThePathBetween() {
        assertThat(ids(query(Map.of("op", "nodes", "kind", "method", "name", "PR*"))))
                .containsExactly("fn:shop/com/shop/model/Book.java#Book.price", "fn:shop/com/shop/model/Item.java#Item.price");
        assertThat(ids(query(Map.of("op", "dependents", "node", "Product", "relation", "subtypes"))))
                .containsExactly("type:shop/com/shop/model/Book.java#Book");
        assertThat(ids(query(Map.of("op", "dependents", "node", "Book.price", "relation", "calls"))))
                .containsExactly("fn:shop/com/shop/model/Book.java#Book.compareTo");
        Map<String, Object> path = query(Map.of("op", "path", "from", "Book.compareTo", "to", "Product.base"));
        assertThat(ids(path)).containsExactly("fn:shop/com/shop/model/Book.java#Book.compareTo",
                "fn:shop/com/shop/model/Book.java#Book.price", "fn:shop/com/shop/model/Product.java#Product.base");
        assertThat(asList(path.get("edges"))).extracting(e -> e.get("kind")).containsExactly("calls", "calls");
        // Cart's imports as javac resolves them: two files of the tree and the JDK's java.util (deps crate)
        assertThat(ids(query(Map.of("op", "neighbors", "node", "shop/com/shop/Cart.java", "edgeKinds", List.of("imports")))))
                .containsExactly("ext:jdk:java.util", "file:shop/com/shop/model/Book.java", "file:shop/com/shop/model/Item.java");
        Map<String, Object> defined = query(Map.of("op", "neighbors", "node", "shop/com/shop/Cart.java",
                "edgeKinds", List.of("defines"), "depth", 2));
        assertThat(asList(defined.get("nodes"))).extracting(n -> n.get("id") + "@" + n.get("depth")).containsExactly(
                "type:shop/com/shop/Cart.java#Cart@1", "fn:shop/com/shop/Cart.java#Cart.put@2",
                "fn:shop/com/shop/Cart.java#Cart.total@2");
    }

    @Test
    void queryAnswersArePaged() {
        Map<String, Object> first = query(Map.of("op", "nodes", "kind", "directory", "limit", 2));
        assertThat(first.get("page")).isEqualTo(Map.of("offset", 0, "count", 2, "total", 3));
        assertThat(ids(first)).containsExactly("dir:shop/com", "dir:shop/com/shop");
        Map<String, Object> second = query(Map.of("op", "nodes", "kind", "directory", "limit", 2,
                "cursor", first.get("nextCursor")));
        assertThat(ids(second)).containsExactly("dir:shop/com/shop/model");
        assertThat(second.get("nextCursor")).isNull();
    }

    @Test
    void exportsASubgraphInEveryFormat() {
        Map<String, Object> cypher = structured(call("export-knowledge-graph", Map.of("path", "shop", "format", "cypher",
                "node", "Book", "edgeKinds", List.of("extends"))));
        assertThat(cypher).containsEntry("nodes", 2).containsEntry("edges", 1).containsEntry("truncated", false);
        assertThat((String) cypher.get("text")).startsWith("CREATE\n  (n").contains(
                ":Class {id: 'type:shop/com/shop/model/Book.java#Book', name: 'Book', path: 'shop/com/shop/model/Book.java', line: 3})",
                ")-[:EXTENDS]->(n").endsWith(");\n");
        Map<String, Object> json = structured(call("export-knowledge-graph", Map.of("path", "shop", "format", "json")));
        assertThat(json).containsEntry("truncated", false);
        assertThat(json.get("nodes")).isEqualTo(((Map<?, ?>) structured(call("build-knowledge-graph",
                Map.of("path", "shop")))).get("nodes"));
        String graphml = (String) structured(call("export-knowledge-graph", Map.of("path", "shop", "format", "graphml",
                "kind", "interface"))).get("text");
        assertThat(graphml).contains("<node id=\"type:shop/com/shop/model/Item.java#Item\"><data key=\"kind\">interface</data>");
        Map<String, Object> cut = structured(call("export-knowledge-graph", Map.of("path", "shop", "format", "mermaid",
                "maxNodes", 3)));
        assertThat(cut).containsEntry("nodes", 3).containsEntry("truncated", true);
        assertThat((String) structured(call("export-knowledge-graph", Map.of("path", "shop", "format", "dot",
                "node", "Item"))).get("text")).startsWith("digraph structure {");
    }

    @Test
    void badInputIsRefusedClearlyAndTheServiceStaysUp() {
        for (String tool : List.of("visualize-code-structure", "visualize-dependencies", "build-knowledge-graph")) {
            assertError(call(tool, Map.of("path", "../outside")), "PATH_OUTSIDE_ROOTS");
            assertError(call(tool, Map.of("path", "pipe")), "BAD_ARGUMENTS");
            assertError(call(tool, Map.of("path", "shop/com/shop/Cart.java")), "BAD_ARGUMENTS");
        }
        assertError(call("visualize-code-structure", Map.of("path", "shop", "format", "png")), "BAD_ARGUMENTS");
        assertError(call("visualize-code-structure", Map.of("path", "shop", "maxNodes", 0)), "BAD_ARGUMENTS");
        assertError(call("query-knowledge-graph", Map.of("path", "shop", "op", "nodes", "depth", 11)), "BAD_ARGUMENTS");
        assertError(call("query-knowledge-graph", Map.of("path", "shop", "op", "walk")), "BAD_ARGUMENTS");
        CallToolResult ambiguous = call("query-knowledge-graph", Map.of("path", "shop", "op", "dependents",
                "node", "price", "relation", "calls"));
        assertError(ambiguous, "BAD_ARGUMENTS");
        assertThat(text(ambiguous)).contains("`price` names 2 nodes");
        CallToolResult missing = call("query-knowledge-graph", Map.of("path", "shop", "op", "neighbors", "node", "Nope"));
        assertError(missing, "BAD_ARGUMENTS");
        assertThat(text(missing)).contains("no node `Nope`");
        assertError(call("export-knowledge-graph", Map.of("path", "shop")), "BAD_ARGUMENTS");
        assertError(call("export-knowledge-graph", Map.of("path", "shop", "format", "cypher", "maxNodes", 0)),
                "BAD_ARGUMENTS");
        assertThat(structured(call("ping", Map.of()))).containsEntry("pong", true);
    }

    private static Map<String, Object> query(Map<String, Object> arguments) {
        Map<String, Object> withPath = new LinkedHashMap<>(arguments);
        withPath.put("path", "shop");
        return structured(call("query-knowledge-graph", withPath));
    }

    private static List<Object> ids(Map<String, Object> answer) {
        return asList(answer.get("nodes")).stream().map(n -> n.get("id")).toList();
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            n++;
        }
        return n;
    }

    private static CallToolResult call(String tool, Map<String, Object> arguments) {
        return client.callTool(new CallToolRequest(tool, arguments));
    }

    private static void assertError(CallToolResult result, String code) {
        assertThat(result.isError()).as(text(result)).isTrue();
        assertThat(text(result)).contains(code);
    }
}
