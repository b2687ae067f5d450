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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mcpca batch}: submit a directory as calculate-metrics items through an embedded server (which watches:
 * plain progress lines off a terminal), then status and every page of results through another embedded server on
 * the same Redis; the exit code says whether every item succeeded.
 */
class BatchCommandIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path dir;

    @BeforeAll
    static void tree() throws Exception {
        for (int i = 0; i < 30; i++) {
            Files.writeString(dir.resolve("m" + i + ".py"), "def f(a):\n    return a\n".repeat(i + 1));
        }
        System.setProperty("mcpca.redis-url", REDIS.uri());
        System.setProperty("mcpca.prefix", REDIS.newPrefix());
    }

    @AfterAll
    static void clear() {
        System.clearProperty("mcpca.redis-url");
        System.clearProperty("mcpca.prefix");
    }

    @Test
    void submitWatchesToTheEndAndResultsGatherEveryPage() throws Exception {
        Run submitted = run("submit", dir.toString(), "--tool", "calculate-metrics", "--name", "cli");
        assertThat(submitted.exit).as(submitted.err).isZero();
        String batchId = submitted.out.trim();
        assertThat(batchId).matches("b[a-z2-7]{24}");
        assertThat(submitted.err).containsPattern("100%  30/30 done  0 failed .* COMPLETED");

        Run status = run("status", batchId);
        assertThat(status.exit).as(status.err).isZero();
        assertThat(new ObjectMapper().readTree(status.out).get("counts").get("SUCCEEDED").asInt()).isEqualTo(30);

        Run results = run("results", batchId);
        assertThat(results.exit).as(results.err).isZero();
        JsonNode all = new ObjectMapper().readTree(results.out);
        assertThat(all.get("items")).hasSize(30);
        // file i holds i + 1 functions of 2 code lines each: 2 * (1 + ... + 30)
        assertThat(all.get("totals").get("code").asInt()).isEqualTo(2 * 30 * 31 / 2);
        assertThat(all.get("totals").get("functions").asInt()).isEqualTo(30 * 31 / 2);
    }

    /**
     * A URL is an analyze-repository item (the embedded server rooted at a file:// repository, which it confines like
     * a path); {@code list} shows the batch and {@code cancel} answers for it.
     */
    @Test
    void aRepositoryUrlIsAnAnalyzeRepositoryItemAndListAndCancelAnswer(@TempDir Path work) throws Exception {
        Path repo = work.resolve("repo");
        io.mcpca.app.GitRepos.init(repo);
        Files.writeString(repo.resolve("r.py"), "def r(a):\n    return a\n");
        String commit = io.mcpca.app.GitRepos.commitAll(repo, "one");
        System.setProperty("mcpca.worker.checkout.dir", work.resolve("checkouts").toString());
        try {
            Run submitted = run("submit", repo.toUri().toString(), "--name", "repo");
            assertThat(submitted.exit).as(submitted.err).isZero();
            String batchId = submitted.out.trim();
            JsonNode all = new ObjectMapper().readTree(run("results", batchId).out);
            assertThat(all.get("items").get(0).get("result").get("commit").asText()).isEqualTo(commit);
            assertThat(all.get("items").get(0).get("result").get("totals").get("code").asInt()).isEqualTo(2);

            Run list = run("list");
            assertThat(list.exit).as(list.err).isZero();
            assertThat(new ObjectMapper().readTree(list.out).get("batches").findValuesAsText("batchId")).contains(batchId);
            Run cancel = run("cancel", batchId);
            assertThat(cancel.exit).as(cancel.err).isZero();
            JsonNode cancelled = new ObjectMapper().readTree(cancel.out);
            assertThat(cancelled.get("batchId").asText()).isEqualTo(batchId);
            // regression: a cancel after the end relabelled a finished batch CANCELLING, then CANCELLED
            assertThat(cancelled.get("state").asText()).as("a finished batch stays finished").isEqualTo("COMPLETED");
            assertThat(cancelled.get("cancelled").asBoolean()).as("nothing was left to cancel").isFalse();
            assertThat(new ObjectMapper().readTree(run("status", batchId).out).get("state").asText()).isEqualTo("COMPLETED");
        } finally {
            System.clearProperty("mcpca.worker.checkout.dir");
        }
    }

    @Test
    void anItemThatFailsMakesTheExitCodeOne() {
        Run submitted = run("submit", dir.resolve("m1.py").toString(), dir.resolve("missing.py").toString());
        assertThat(submitted.exit).as(submitted.err).isEqualTo(1);
        assertThat(submitted.err).contains("1 failed");
    }

    @Test
    void aBadCommandLineIsExitCodeTwo() {
        assertThat(run().exit).isEqualTo(2);
        assertThat(run("submit", "--tool").exit).isEqualTo(2);
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = BatchCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
