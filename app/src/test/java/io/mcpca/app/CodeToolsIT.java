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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 items 3-4 through the whole pipeline with the official MCP client: {@code search-code} (literal,
 * regex, whole word, case, globs, context, paging, tree-sitter queries), {@code get-file}, {@code folder-structure}
 * and {@code project-info} on one small project. Expected values come from the reference tools run here on the
 * same files ({@code grep -rn}, {@code sed -n}, {@code wc -l}, {@code find -printf}) or are the fixture's own
 * declarations; bad input (paths outside the roots, a FIFO, a binary file, a bad regex, query or glob, a huge
 * {@code maxResults}) gets its error code and the session's next call is served.
 */
class CodeToolsIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path tmp;

    static Path root;
    static Path project;
    static PipelineHarness harness;
    static McpSyncClient client;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createDirectories(tmp.resolve("root"));
        project = Files.createDirectories(root.resolve("proj"));
        write("pom.xml", "<project><groupId>org.demo</groupId><artifactId>demo</artifactId><version>1.2.0</version>"
                + "<dependencies><dependency><groupId>com.google.guava</groupId><artifactId>guava</artifactId>"
                + "<version>33.2.1-jre</version></dependency><dependency><groupId>junit</groupId><artifactId>junit"
                + "</artifactId><version>4.13.2</version><scope>test</scope></dependency></dependencies></project>\n");
        write("LICENSE", "MIT License\n\nCopyright (c) 2026 Demo\n");
        write(".gitignore", "build/\n");
        write("src/main/java/demo/Main.java", """
                package demo;

                public class Main {
                    public static void main(String[] args) {
                        Loader.load(args[0]);
                        System.out.println(LOAD_COUNT);
                    }
                    static final int LOAD_COUNT = 1;
                }
                """);
        write("src/main/java/demo/Loader.java", """
                package demo;

                final class Loader {
                    static String load(String path) {
                        return reload(path); // load once
                    }
                    static String reload(String path) { return path; }
                }
                """);
        write("src/test/java/demo/LoaderTest.java", "package demo;\nclass LoaderTest { void load() {} }\n");
        write("web/package.json", "{\"name\": \"web\", \"version\": \"0.1.0\", \"main\": \"index.js\","
                + " \"dependencies\": {\"left-pad\": \"^1.3.0\"}, \"devDependencies\": {\"jest\": \"^29.7.0\"}}\n");
        write("web/package-lock.json", "{\"lockfileVersion\": 3, \"packages\": {\"node_modules/left-pad\":"
                + " {\"version\": \"1.3.0\"}, \"node_modules/jest\": {\"version\": \"29.7.0\"}}}\n");
        write("web/index.js", "const pad = require('left-pad');\nmodule.exports = function load(x) { return pad(x, 4); };\n");
        write("build/Generated.java", "class Generated { void load() {} }\n");
        Files.write(project.resolve("logo.bin"), new byte[] {'l', 'o', 'a', 'd', 0, 1, 2});
        run("mkfifo", project.resolve("pipe.txt").toString());
        Files.writeString(tmp.resolve("outside.txt"), "secret load\n");
        harness = new PipelineHarness(REDIS.uri(), REDIS.newPrefix(), root, "--mcpca.ingress.call-timeout=30s");
        client = harness.client();
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    /** The same lines as {@code grep -rn -I --exclude-dir=build --exclude=.gitignore}, in path then line order. */
    @Test
    void literalAndRegexSearchesFindTheLinesGrepFinds() throws Exception {
        for (List<String> grepFlags : List.of(List.of("-F", "load"), List.of("-i", "-F", "load"),
                List.of("-w", "-F", "load"), List.of("-E", "re?load\\("))) {
            Map<String, Object> args = new LinkedHashMap<>(Map.of("path", "proj", "pattern", grepFlags.get(grepFlags.size() - 1),
                    "limit", 1000));
            args.put("mode", grepFlags.contains("-E") ? "regex" : "literal");
            if (grepFlags.contains("-i")) {
                args.put("caseSensitive", false);
            }
            if (grepFlags.contains("-w")) {
                args.put("wholeWord", true);
            }
            Map<String, Object> found = structured(call("search-code", args));
            List<String> lines = asList(found.get("matches")).stream()
                    .map(m -> m.get("path") + ":" + m.get("line") + ":" + m.get("text")).toList();
            assertThat(lines).as(grepFlags.toString()).isEqualTo(grep(grepFlags)).isNotEmpty();
            assertThat(found).containsEntry("truncated", false).containsEntry("filesSearched", 8);
            assertThat(asList(found.get("skipped"))).containsExactly(
                    Map.of("path", "proj/logo.bin", "reason", "binary"), Map.of("path", "proj/pipe.txt", "reason", "fifo"));
        }
    }

    @Test
    void globsContextAndPagesInAStableOrder() {
        Map<String, Object> java = structured(call("search-code", Map.of("path", "proj", "pattern", "load",
                "include", List.of("*.java"), "exclude", List.of("src/test/"), "contextLines", 1)));
        List<Map<String, Object>> matches = asList(java.get("matches"));
        assertThat(matches).extracting(m -> m.get("path") + ":" + m.get("line")).containsExactly(
                "proj/src/main/java/demo/Loader.java:4", "proj/src/main/java/demo/Loader.java:5",
                "proj/src/main/java/demo/Loader.java:7", "proj/src/main/java/demo/Main.java:5");
        assertThat(matches.get(0)).containsEntry("column", 19).containsEntry("endColumn", 23)
                .containsEntry("before", List.of("final class Loader {"))
                .containsEntry("after", List.of("        return reload(path); // load once"));

        List<String> paged = new ArrayList<>();
        Object cursor = null;
        do {
            Map<String, Object> args = new LinkedHashMap<>(Map.of("path", "proj", "pattern", "load", "limit", 2));
            if (cursor != null) {
                args.put("cursor", cursor);
            }
            Map<String, Object> page = structured(call("search-code", args));
            asList(page.get("matches")).forEach(m -> paged.add(m.get("path") + ":" + m.get("line")));
            cursor = page.get("nextCursor");
        } while (cursor != null);
        Map<String, Object> whole = structured(call("search-code", Map.of("path", "proj", "pattern", "load")));
        assertThat(paged).isEqualTo(asList(whole.get("matches")).stream().map(m -> m.get("path") + ":" + m.get("line")).toList());

        Map<String, Object> capped = structured(call("search-code", Map.of("path", "proj", "pattern", "load", "maxResults", 3)));
        assertThat(capped).containsEntry("truncated", true).containsEntry("totalMatches", 3);
    }

    /** A tree-sitter query: the calls of a method named {@code load} (not its declarations, not the comment). */
    @Test
    void structuralSearchFindsCallsNotDeclarations() {
        Map<String, Object> found = structured(call("search-code", Map.of("path", "proj", "mode", "structural",
                "language", "java", "pattern", "(method_invocation name: (identifier) @name (#eq? @name \"load\")) @call")));
        List<Map<String, Object>> matches = asList(found.get("matches"));
        assertThat(matches).hasSize(1);
        assertThat(matches.get(0)).containsEntry("path", "proj/src/main/java/demo/Main.java").containsEntry("line", 5)
                .containsEntry("column", 9).containsEntry("endLine", 5).containsEntry("endColumn", 29)
                .containsEntry("text", "        Loader.load(args[0]);");
        assertThat(asList(matches.get(0).get("captures"))).extracting(c -> c.get("name") + "=" + c.get("text"))
                .containsExactly("call=Loader.load(args[0])", "name=load");
        assertThat(found).containsEntry("filesSearched", 3);
    }

    /** {@code sed -n '4,6p'} and {@code wc -l} of the same file. */
    @Test
    void getFileReturnsTheLinesSedPrints() throws Exception {
        Map<String, Object> slice = structured(call("get-file", Map.of("path", "proj/src/main/java/demo/Loader.java",
                "startLine", 4, "endLine", 6)));
        Path file = project.resolve("src/main/java/demo/Loader.java");
        assertThat(slice).containsEntry("path", "proj/src/main/java/demo/Loader.java").containsEntry("language", "java")
                .containsEntry("startLine", 4).containsEntry("endLine", 6).containsEntry("truncated", false)
                .containsEntry("content", output("sed", "-n", "4,6p", file.toString()))
                .containsEntry("totalLines", Integer.parseInt(output("wc", "-l", file.toString()).trim().split(" ")[0]))
                .containsEntry("size", (int) Files.size(file));
        Map<String, Object> cut = structured(call("get-file", Map.of("path", "proj/src/main/java/demo/Loader.java", "maxBytes", 40)));
        assertThat(cut).containsEntry("truncated", true).containsEntry("endLine", 3)
                .containsEntry("content", output("sed", "-n", "1,3p", file.toString()));
    }

    /** Sizes and counts as {@code find proj/src -type f -printf '%s\n'} gives them. */
    @Test
    void folderStructureListsTheTreeToADepthWithSizesBelow() throws Exception {
        Map<String, Object> tree = structured(call("folder-structure", Map.of("path", "proj", "depth", 1)));
        assertThat(asList(tree.get("entries"))).extracting(e -> e.get("path") + " " + e.get("type")).containsExactly(
                "proj/LICENSE file", "proj/logo.bin file", "proj/pom.xml file", "proj/src directory", "proj/web directory");
        Map<String, Object> src = asList(tree.get("entries")).get(3);
        String[] sizes = output("find", project.resolve("src").toString(), "-type", "f", "-printf", "%s\n").split("\n");
        long bytes = 0;
        for (String size : sizes) {
            bytes += Long.parseLong(size);
        }
        assertThat(src).containsEntry("files", sizes.length).containsEntry("size", (int) bytes)
                .containsEntry("languages", Map.of("java", 3));
        assertThat(asMap(tree.get("totals"))).containsEntry("files", 9);
        assertThat(asList(tree.get("skipped"))).containsExactly(Map.of("path", "proj/pipe.txt", "reason", "fifo"));

        Map<String, Object> first = structured(call("folder-structure", Map.of("path", "proj", "depth", 1, "limit", 3)));
        Map<String, Object> second = structured(call("folder-structure", Map.of("path", "proj", "depth", 1, "limit", 3,
                "cursor", first.get("nextCursor"))));
        assertThat(asList(second.get("entries"))).extracting(e -> e.get("path")).containsExactly("proj/src", "proj/web");
        assertThat(second.get("nextCursor")).isNull();
    }

    @Test
    void projectInfoAnswersManifestsDependenciesEntryPointsTestsAndLicence() {
        Map<String, Object> info = structured(call("project-info", Map.of("path", "proj")));
        assertThat(info).containsEntry("root", "proj").containsEntry("buildSystems", List.of("maven", "npm"))
                .containsEntry("testDirectories", List.of("proj/src/test"))
                .containsEntry("license", Map.of("path", "proj/LICENSE", "spdx", "MIT"))
                .containsEntry("entryPoints", List.of(
                        Map.of("target", "proj/src/main/java/demo/Main.java", "source", "main method"),
                        Map.of("target", "proj/web/index.js", "source", "proj/web/package.json")));
        List<Map<String, Object>> manifests = asList(info.get("manifests"));
        assertThat(manifests).extracting(m -> m.get("path")).containsExactly("proj/pom.xml", "proj/web/package.json");
        assertThat(manifests.get(0)).containsEntry("kind", "maven").containsEntry("name", "org.demo:demo")
                .containsEntry("version", "1.2.0").containsEntry("dependencies", List.of(
                        Map.of("name", "com.google.guava:guava", "version", "33.2.1-jre", "scope", "compile"),
                        Map.of("name", "junit:junit", "version", "4.13.2", "scope", "test")));
        assertThat(manifests.get(1)).containsEntry("lockfile", "proj/web/package-lock.json").containsEntry("dependencies", List.of(
                Map.of("name", "left-pad", "version", "^1.3.0", "scope", "runtime", "locked", "1.3.0"),
                Map.of("name", "jest", "version", "^29.7.0", "scope", "dev", "locked", "29.7.0")));
        assertThat(asList(info.get("languages"))).extracting(l -> l.get("language")).contains("java", "javascript", "json", "xml");
    }

    @Test
    void badInputGetsItsErrorCodeAndTheSessionGoesOn() {
        for (String tool : List.of("search-code", "get-file", "folder-structure", "project-info")) {
            Map<String, Object> outside = new LinkedHashMap<>(Map.of("path", "../outside.txt"));
            if (tool.equals("search-code")) {
                outside.put("pattern", "load");
            }
            assertRefused(tool, outside, "PATH_OUTSIDE_ROOTS", "outside");
            Map<String, Object> fifo = new LinkedHashMap<>(outside);
            fifo.put("path", "proj/pipe.txt");
            assertRefused(tool, fifo, "BAD_ARGUMENTS", "pipe.txt is a fifo");
        }
        assertRefused("get-file", Map.of("path", "proj/logo.bin"), "BAD_ARGUMENTS", "proj/logo.bin is binary");
        assertRefused("get-file", Map.of("path", "proj/pom.xml", "startLine", 99), "BAD_ARGUMENTS", "past the end");
        assertRefused("search-code", Map.of("path", "proj", "pattern", "a(", "mode", "regex"), "INVALID_PATTERN",
                "invalid regular expression");
        assertRefused("search-code", Map.of("path", "proj", "pattern", "(method_invocation", "mode", "structural",
                "language", "java"), "INVALID_PATTERN", "invalid query at line 1");
        assertRefused("search-code", Map.of("path", "proj", "pattern", "(method_invocation) @m", "mode", "structural"),
                "BAD_ARGUMENTS", "needs `language`");
        assertRefused("search-code", Map.of("path", "proj", "pattern", "load", "include", List.of("a[")),
                "INVALID_PATTERN", "invalid glob");
        assertRefused("search-code", Map.of("path", "proj", "pattern", "load", "maxResults", 1_000_000),
                "BAD_ARGUMENTS", "maxResults");
        assertRefused("folder-structure", Map.of("path", "proj", "depth", 99), "BAD_ARGUMENTS", "depth");
        assertThat(structured(call("ping", Map.of()))).containsEntry("pong", true);
    }

    private static void assertRefused(String tool, Map<String, Object> arguments, String code, String message) {
        CallToolResult result = call(tool, arguments);
        assertThat(result.isError()).as(tool + " " + arguments + ": " + text(result)).isTrue();
        assertThat(text(result)).as(tool + " " + arguments).startsWith(code).contains(message);
    }

    private static CallToolResult call(String tool, Map<String, Object> arguments) {
        return client.callTool(new CallToolRequest(tool, arguments));
    }

    /** {@code grep -rn -I} over the project as the tool sees it, paths as the tool names them, sorted by path then line. */
    private static List<String> grep(List<String> flags) throws Exception {
        List<String> command = new ArrayList<>(List.of("grep", "-rn", "-I", "--exclude-dir=build", "--exclude=.gitignore",
                "--exclude=pipe.txt"));
        command.addAll(flags.subList(0, flags.size() - 1));
        command.addAll(List.of("-e", flags.get(flags.size() - 1), "proj"));
        List<String> lines = new ArrayList<>(List.of(output(root, command).split("\n")));
        lines.removeIf(String::isEmpty);
        lines.sort((a, b) -> {
            String[] x = a.split(":", 3);
            String[] y = b.split(":", 3);
            int byPath = x[0].compareTo(y[0]);
            return byPath != 0 ? byPath : Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1]));
        });
        return lines;
    }

    private static String output(String... command) throws Exception {
        return output(root, List.of(command));
    }

    private static String output(Path dir, List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return out;
    }

    private static void write(String relative, String content) throws IOException {
        Path file = project.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private static void run(String... command) throws Exception {
        new ProcessBuilder(command).redirectErrorStream(true).start().waitFor();
    }
}
