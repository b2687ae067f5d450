package io.mcpca.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mcpca.app.PipelineHarness;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.workers.cache.TieredResultCache;
import io.mcpca.workers.config.WorkerEventsConfiguration.WorkerEvents;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code mcpca cache clear} against a running worker: Redis copies gone, the worker's L1 emptied by the event. */
class CacheCommandIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path root;

    static String prefix;
    static PipelineHarness harness;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(root.resolve("A.java"), "class A {\n  int f(int x) {\n    return x > 0 ? 1 : 2;\n  }\n}\n");
        prefix = REDIS.newPrefix();
        // an analyzer cache of its own: A.java is measured (and shared) by this run, not found on disk
        harness = new PipelineHarness(REDIS.uri(), prefix, root,
                "--mcpca.worker.analyzer-cache-dir=" + Files.createTempDirectory("cache-command-it"),
                "--mcpca.worker.analyzer-small-file-bytes=0"); // A.java is tiny: share it all the same
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void clearingDropsTheRedisCopiesAndEveryWorkersLocalCopy() {
        harness.client().callTool(new CallToolRequest("calculate-metrics", Map.of("path", "A.java")));
        harness.client().callTool(new CallToolRequest("calculate-metrics", Map.of("path", "A.java")));
        TieredResultCache cache = harness.worker().getBean(WorkerEvents.class).cache();
        Keys keys = new Keys(prefix);
        assertThat(REDIS.sync().keys(keys.resultPattern())).hasSize(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> REDIS.sync().keys(keys.sharedFilePattern()).size() == 1);
        assertThat(cache.l1Entries()).isEqualTo(1);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = CacheCommand.run(new String[] {"clear", "--redis-url", REDIS.uri(), "--prefix", prefix},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);

        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("removed 1 cached result(s) and 1 shared per-file result(s)");
        assertThat(REDIS.sync().keys(keys.resultPattern())).isEmpty();
        assertThat(REDIS.sync().keys(keys.sharedFilePattern())).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> cache.l1Entries() == 0);
    }

    @Test
    void badUsageIsExplained() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(CacheCommand.run(new String[] {}, System.out, errors)).isEqualTo(2);
        assertThat(CacheCommand.run(new String[] {"flush"}, System.out, errors)).isEqualTo(2);
        assertThat(CacheCommand.run(new String[] {"clear", "--redis-url"}, System.out, errors)).isEqualTo(2);
        assertThat(CacheCommand.run(new String[] {"clear", "--bogus", "x"}, System.out, errors)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown subcommand flush")
                .contains("--redis-url needs a value").contains("unknown option --bogus").contains(CacheCommand.USAGE);
        assertThat(CacheCommand.run(new String[] {"clear", "--redis-url", "redis://127.0.0.1:1"}, System.out, errors))
                .isEqualTo(1);
    }
}
