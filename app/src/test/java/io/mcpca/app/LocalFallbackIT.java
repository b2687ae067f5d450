package io.mcpca.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.workers.config.WorkerConfiguration.WorkerRuntime;
import io.mcpca.workers.run.AnalyzerPool;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mcpca.fallback=local}: with Redis stopped the ingress answers calls in its own process; when
 * Redis is back (restarted empty) calls flow through Redis and the worker again.
 */
class LocalFallbackIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path tmp;

    static PipelineHarness harness;
    static Keys keys;

    @BeforeAll
    static void start() throws IOException {
        String prefix = REDIS.newPrefix();
        keys = new Keys(prefix);
        harness = PipelineHarness.fastPoolOnly(REDIS.uri(), prefix, Files.createDirectories(tmp.resolve("root")),
                List.of("--mcpca.worker.concurrency=1"),
                List.of("--mcpca.fallback=local", "--mcpca.fallback-concurrency=1",
                        "--mcpca.ingress.redis-retry-after=1s"), true);
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void callsAreAnsweredInProcessWhileRedisIsDownAndGoThroughRedisWhenItIsBack() {
        McpSyncClient client = harness.client();
        Set<Long> workerPids = workerPids();
        long viaRedis = pidOfPing(client);
        assertThat(workerPids).contains(viaRedis);
        assertThat(requestEntries()).isPositive();

        REDIS.kill();
        for (int i = 0; i < 5; i++) {
            long pid = pidOfPing(client);
            assertThat(localPids()).as("answered by the ingress's own analyzer").contains(pid);
        }

        REDIS.restart();
        // the breaker lets trial calls through after 1 s; Lettuce reconnects; the worker recreates its groups
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> workerPids.contains(pidOfPing(client)));
        assertThat(requestEntries()).as("the restarted (empty) Redis carries the calls again").isPositive();
        for (int i = 0; i < 3; i++) {
            assertThat(workerPids).contains(pidOfPing(client));
        }
    }

    private static long pidOfPing(McpSyncClient client) {
        CallToolResult result = client.callTool(new CallToolRequest("ping", Map.of()));
        return ((Number) PipelineIT.structured(result).get("pid")).longValue();
    }

    private static Set<Long> workerPids() {
        return harness.worker().getBean(WorkerRuntime.class).analyzerPools().stream()
                .flatMap(pool -> pool.pids().stream()).collect(Collectors.toSet());
    }

    private static Set<Long> localPids() {
        return harness.ingress().getBean("localAnalyzerPool", AnalyzerPool.class).pids();
    }

    /** Entries in the fast pool's request streams. */
    private static long requestEntries() {
        RedisClient client = RedisClient.create(REDIS.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return IntStream.range(0, 4).mapToLong(n -> c.sync().xlen(keys.requestStream("fast", n))).sum();
        } finally {
            client.shutdown();
        }
    }
}
