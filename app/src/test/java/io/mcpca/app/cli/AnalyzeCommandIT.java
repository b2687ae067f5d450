package io.mcpca.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpca.shared.testing.RedisServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code mcpca analyze DIR}: an embedded server rooted at DIR, called over loopback MCP, printed as a table. */
class AnalyzeCommandIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path dir;

    @BeforeAll
    static void tree() throws Exception {
        Files.writeString(dir.resolve("A.java"), "class A {\n  // c\n  int f(int x) {\n    return x > 0 ? 1 : 2;\n  }\n}\n");
        Files.writeString(dir.resolve("b.py"), "def g(a):\n    return a or 1\n\n\ndef h():\n    pass\n");
        Files.write(dir.resolve("blob.bin"), new byte[] {0, 1, 2, 3});
        // the embedded server reads these like any Spring property
        System.setProperty("mcpca.redis-url", REDIS.uri());
        System.setProperty("mcpca.prefix", REDIS.newPrefix());
    }

    @AfterAll
    static void clear() {
        System.clearProperty("mcpca.redis-url");
        System.clearProperty("mcpca.prefix");
    }

    @Test
    void printsAPerLanguageTable() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = AnalyzeCommand.run(new String[] {dir.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8));
        String table = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(table).isZero();
        assertThat(table).containsPattern("(?m)^java\\s+1\\s+5\\s+1\\s+0\\s+1$");
        assertThat(table).containsPattern("(?m)^python\\s+1\\s+4\\s+0\\s+2\\s+2$");
        assertThat(table).containsPattern("(?m)^total\\s+2\\s+9\\s+1\\s+2\\s+3$");
        assertThat(table).contains("1 file(s) skipped");
        // the ternary makes A.f the most complex function (cyclomatic 2: PMD); b.py's g and h have 2 and 1
        assertThat(table).containsPattern("(?m)^most complex functions$")
                .containsPattern("(?m)^\\s+2\\s+1\\s+A\\.java:3 f$");
    }

    /**
     * A tree whose files' metrics (~20 MB of JSON) are more than one MCP answer may carry (the SDK client
     * refuses a message over 16 MiB; before paging this call failed, or hung): the table comes from the
     * summary, and {@code --json} gathers every page, each file once, in order.
     */
    @Test
    void aTreeTooLargeForOneAnswerComesThroughInPages(@TempDir Path big) throws Exception {
        int files = 200;
        int functionsPerFile = 200; // each: 4 code lines and 2 blank ones
        StringBuilder module = new StringBuilder();
        for (int f = 0; f < functionsPerFile; f++) {
            module.append("def f").append(f).append("(a, b):\n    if a and b:\n        return ").append(f)
                    .append("\n    return b\n\n\n");
        }
        for (int i = 0; i < files; i++) {
            Files.writeString(big.resolve(String.format("m%03d.py", i)), module);
        }

        ByteArrayOutputStream table = new ByteArrayOutputStream();
        int exit = AnalyzeCommand.run(new String[] {big.toString()}, new PrintStream(table, true, StandardCharsets.UTF_8));
        assertThat(exit).as(table.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(table.toString(StandardCharsets.UTF_8))
                .containsPattern("(?m)^python\\s+" + files + "\\s+" + files * functionsPerFile * 4 + "\\s+0\\s+"
                        + files * functionsPerFile * 2 + "\\s+" + files * functionsPerFile + "$");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        exit = AnalyzeCommand.run(new String[] {big.toString(), "--json"}, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(exit).isZero();
        assertThat(out.size()).as("the gathered JSON is larger than one answer may be").isGreaterThan(16 << 20);
        JsonNode json = new ObjectMapper().readTree(out.toByteArray());
        List<String> paths = new ArrayList<>();
        json.path("files").forEach(file -> {
            paths.add(file.path("path").asText());
            assertThat(file.path("functions").size()).isEqualTo(functionsPerFile);
        });
        assertThat(paths).hasSize(files).doesNotHaveDuplicates().isSorted();
        assertThat(json.path("totals").path("functions").asInt()).isEqualTo(files * functionsPerFile);
        assertThat(json.has("nextCursor")).isFalse();
    }

    /**
     * Issue 15 item 5: a large tree runs as shards through {@code mcpca analyze} (the threshold lowered so a copy of
     * this repository's Rust sources, ~1.2 MB, makes ~13 shards): the shard records in Redis show every shard stored
     * and one merge, and the table and the {@code --json} output are exactly what the same command prints with
     * sharding off.
     */
    @Test
    void aLargeTreeRunsAsShardsAndPrintsWhatOneCallPrints(@TempDir Path work) throws Exception {
        Path tree = work.resolve("crates");
        io.mcpca.app.GitRepos.copyTree(Path.of("..").toAbsolutePath().normalize().resolve("rust-workers/crates"), tree);
        Map<String, String> settings = Map.of("mcpca.cache.enabled", "false",
                "mcpca.worker.shard-min-bytes", "64KB", "mcpca.worker.shard-target-bytes", "96KB",
                "mcpca.worker.analyzer-cache-dir", work.resolve("analyzer-cache").toString());
        settings.forEach(System::setProperty);
        String previousPrefix = System.getProperty("mcpca.prefix");
        try {
            String sharded = REDIS.newPrefix();
            System.setProperty("mcpca.prefix", sharded);
            List<String> withShards = List.of(analyze(tree), analyze(tree, "--json"));
            // one sharded call per run: the table's summary call, and --json's first page (its only one: ~100 files)
            List<String> records = REDIS.sync().keys(sharded + ":shards:*");
            assertThat(records).as("shard records").hasSize(2);
            for (String record : records) {
                Map<String, String> fields = REDIS.sync().hgetall(record);
                int count = Integer.parseInt(fields.get("count"));
                assertThat(count).as("shards of %s", record).isGreaterThanOrEqualTo(8);
                assertThat(fields.get("done")).as("every shard stored").isEqualTo(Integer.toString(count));
                for (int i = 0; i < count; i++) {
                    assertThat(fields).as("shard %d's answer", i).containsKey("r:" + i);
                }
                assertThat(fields).as("merged once").containsKey("merger");
            }

            String unsharded = REDIS.newPrefix();
            System.setProperty("mcpca.prefix", unsharded);
            System.setProperty("mcpca.worker.shards", "false");
            List<String> withoutShards = List.of(analyze(tree), analyze(tree, "--json"));
            assertThat(REDIS.sync().keys(unsharded + ":shards:*")).as("sharding off").isEmpty();
            assertThat(withShards.get(0)).as("the table").isEqualTo(withoutShards.get(0)).contains("rust");
            assertThat(withShards.get(1)).as("the JSON").isEqualTo(withoutShards.get(1));
            assertThat(new ObjectMapper().readTree(withShards.get(1)).path("files").size())
                    .as("every file of a real tree").isGreaterThan(50);
        } finally {
            settings.keySet().forEach(System::clearProperty);
            System.clearProperty("mcpca.worker.shards");
            System.setProperty("mcpca.prefix", previousPrefix);
        }
    }

    private static String analyze(Path tree, String... options) {
        List<String> args = new ArrayList<>(List.of(tree.toString()));
        args.addAll(List.of(options));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = AnalyzeCommand.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(exit).as(out.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jsonIsTheStructuredResult() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = AnalyzeCommand.run(new String[] {dir.toString(), "--json"}, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(exit).isZero();
        JsonNode json = new ObjectMapper().readTree(out.toByteArray());
        assertThat(json.path("totals").path("files").asInt()).isEqualTo(2);
        assertThat(json.path("skipped").get(0).path("path").asText()).isEqualTo("blob.bin");
    }

    @Test
    void badUsageIsExplained() {
        assertThat(AnalyzeCommand.run(new String[] {}, System.out)).isEqualTo(2);
        assertThat(AnalyzeCommand.run(new String[] {dir.resolve("nope").toString()}, System.out)).isEqualTo(2);
        assertThat(AnalyzeCommand.run(new String[] {dir.toString(), "--bogus"}, System.out)).isEqualTo(2);
    }
}
