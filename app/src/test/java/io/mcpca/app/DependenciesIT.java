package io.mcpca.app;

import static io.mcpca.app.PipelineIT.asList;
import static io.mcpca.app.PipelineIT.asMap;
import static io.mcpca.app.PipelineIT.structured;
import static io.mcpca.app.PipelineIT.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpca.shared.testing.RedisServerExtension;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 item 3: {@code analyze-dependencies} through the whole pipeline (real Redis, real analyzer, the MCP Java
 * SDK client over HTTP) on the deps crate's fixtures, with the edges and cycles the reference tools gave for them
 * ({@code reference-madge.json} from madge 8, {@code reference-jdeps.txt} from jdeps on javac's classes; see
 * {@code bench/deps/fixture-refs.sh}): pages of nodes that add up to the whole graph, cycles with their shortest
 * path, layering violations, externals by ecosystem, unresolved imports counted, and bad input refused with a
 * clear code while the service stays up.
 */
class DependenciesIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path tmp;

    static Path fixtures;
    static PipelineHarness harness;
    static McpSyncClient client;

    @BeforeAll
    static void start() throws IOException {
        fixtures = Fixtures.source().resolve("../../../deps/tests/fixtures").normalize();
        Path root = Files.createDirectories(tmp.resolve("root"));
        for (String tree : List.of("js", "java", "python")) {
            copy(fixtures.resolve(tree), root.resolve(tree));
        }
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
    void javascriptEdgesAndCyclesAgreeWithMadgeAcrossPages() throws IOException {
        Set<String> edges = new TreeSet<>();
        List<String> names = new ArrayList<>();
        Map<String, Object> first = null;
        String cursor = null;
        do {
            Map<String, Object> args = new HashMap<>(Map.of("path", "js", "limit", 4));
            if (cursor != null) {
                args.put("cursor", cursor);
            }
            Map<String, Object> page = structured(call(args));
            first = first == null ? page : first;
            for (Map<String, Object> node : asList(page.get("nodes"))) {
                names.add((String) node.get("name"));
                asList(node.get("dependsOn")).forEach(e -> edges.add(node.get("name") + " -> " + e.get("to")));
            }
            cursor = (String) page.get("nextCursor");
        } while (cursor != null);

        Set<String> expected = madgeEdges(fixtures.resolve("js/reference-madge.json"));
        // madge reads an ES module's ESM syntax only; the require('./c') beside its imports is kept here (decision 022)
        expected.add("src/a.js -> src/c.js");
        assertThat(edges).isEqualTo(expected);
        assertThat(names).containsExactly("src/a.js", "src/b.js", "src/c.js", "src/d.js", "src/lib/index.js",
                "src/lib/util.js");

        assertThat(first).containsEntry("root", "js").containsEntry("level", "file");
        assertThat(asMap(first.get("page"))).containsEntry("offset", 0).containsEntry("count", 4)
                .containsEntry("totalNodes", 6);
        assertThat(asMap(first.get("summary"))).containsEntry("files", 6).containsEntry("imports", 12)
                .containsEntry("internal", 9).containsEntry("external", 2).containsEntry("unresolved", 1)
                .containsEntry("nodes", 6).containsEntry("edges", 8).containsEntry("cycles", 1);
        Map<String, Object> cycle = asList(first.get("cycles")).get(0);
        assertThat(cycle.get("members")).isEqualTo(List.of("src/a.js", "src/b.js", "src/d.js"));
        assertThat(cycle.get("shortest")).isEqualTo(List.of("src/a.js", "src/b.js", "src/a.js"));
        assertThat(asList(first.get("unresolved"))).singleElement().satisfies(u -> assertThat(u)
                .containsEntry("path", "src/d.js").containsEntry("spec", "./missing").containsEntry("line", 2));
        assertThat(asList(first.get("externals"))).extracting(e -> e.get("ecosystem") + ":" + e.get("package"))
                .containsExactly("node:fs", "npm:lodash");
        Map<String, Object> top = asList(first.get("mostDependedOn")).get(0);
        assertThat(top).containsEntry("name", "src/a.js").containsEntry("fanIn", 2).containsEntry("fanOut", 4);
    }

    @Test
    void javaPackageEdgesAgreeWithJdepsAndALayeringRuleFindsTheBackEdge() throws IOException {
        Map<String, Object> answer = structured(call(Map.of("path", "java", "level", "directory",
                "rules", List.of(Map.of("from", "src/com/acme/core", "to", "src/com/acme/util")))));
        Set<String> edges = new TreeSet<>();
        for (Map<String, Object> node : asList(answer.get("nodes"))) {
            asList(node.get("dependsOn")).forEach(e -> edges.add(asPackage(node.get("name")) + " -> " + asPackage(e.get("to"))));
        }
        assertThat(edges).isEqualTo(new TreeSet<>(Files.readAllLines(fixtures.resolve("java/reference-jdeps.txt"))));
        assertThat(asList(answer.get("violations"))).singleElement().satisfies(v -> assertThat(v)
                .containsEntry("rule", 0).containsEntry("from", "src/com/acme/core")
                .containsEntry("to", "src/com/acme/util").containsEntry("count", 1));
        assertThat(asList(answer.get("cycles")).get(0).get("shortest"))
                .isEqualTo(List.of("src/com/acme/core", "src/com/acme/util", "src/com/acme/core"));
    }

    @Test
    void pythonExternalsByEcosystemAtTheExternalLevel() {
        Map<String, Object> answer = structured(call(Map.of("path", "python", "level", "external")));
        assertThat(asList(answer.get("externals"))).extracting(e -> e.get("ecosystem") + ":" + e.get("package"))
                .containsExactly("pypi:requests", "python:json", "python:os");
        assertThat(asList(answer.get("nodes"))).extracting(n -> n.get("name"))
                .containsExactly(".", "pkg", "pkg/sub", "pypi:requests", "python:json", "python:os");
        assertThat(asMap(answer.get("summary"))).containsEntry("unresolved", 1);
    }

    @Test
    void badInputIsRefusedWithACodeAndTheServiceGoesOn() {
        assertError(call(Map.of("path", "../outside")), "PATH_OUTSIDE_ROOTS");
        assertError(call(Map.of("path", "/etc")), "PATH_OUTSIDE_ROOTS");
        assertError(call(Map.of("path", "no-such-dir")), "NOT_FOUND");
        assertError(call(Map.of("path", "js", "level", "planet")), "");
        assertError(call(Map.of("path", "js", "top", 5000)), "");
        assertError(call(Map.of("path", "js", "cursor", "garbage")), "BAD_ARGUMENTS");
        assertError(call(Map.of("path", "js", "rules", List.of(Map.of("from", "a/[", "to", "b")))), "BAD_ARGUMENTS");
        assertThat(structured(client.callTool(new CallToolRequest("ping", Map.of())))).containsEntry("pong", true);
        assertThat(asMap(structured(call(Map.of("path", "js"))).get("summary"))).containsEntry("files", 6);
    }

    private static CallToolResult call(Map<String, Object> arguments) {
        return client.callTool(new CallToolRequest("analyze-dependencies", arguments));
    }

    private static void assertError(CallToolResult result, String code) {
        assertThat(result.isError()).as(text(result)).isTrue();
        assertThat(text(result)).isNotBlank().contains(code);
    }

    private static String asPackage(Object directory) {
        return ((String) directory).replaceFirst("^src/", "").replace('/', '.');
    }

    private static Set<String> madgeEdges(Path file) throws IOException {
        JsonNode graph = new ObjectMapper().readTree(file.toFile());
        Set<String> edges = new TreeSet<>();
        graph.fields().forEachRemaining(e -> e.getValue().forEach(to -> edges.add(e.getKey() + " -> " + to.asText())));
        return edges;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.sorted().toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
